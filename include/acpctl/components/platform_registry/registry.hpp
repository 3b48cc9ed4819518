#pragma once
// The platform registry component (package component "registry"): Debian's docker-registry
// (distribution 2.8) on every control-plane node of a cluster with spec.registry, each
// replica with its own storage, TLS from the cluster CA and htpasswd (bcrypt) auth. The VIP
// or load balancer in front of them is spec.registry.address; acpctl pushes to every replica
// (images push), since they share no storage. Beside each replica a second process on the
// same storage (acp-registry-pull, spec.registry.pullPort) serves pulls only: read-only
// mode, no password, and only to clients with a certificate from the cluster CA (every node
// has one), so nodes pull without the registry password on their disk.

#include "acpctl/oci/push.hpp"
#include "acpctl/oci/registry.hpp"
#include "acpctl/package/manifest.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/stages/component.hpp"

#include <string>
#include <string_view>

namespace acp::platform_registry {

inline constexpr std::string_view k_name = "registry";
inline constexpr std::string_view k_binary = "/opt/acp/components/registry/current/bin/registry";
inline constexpr std::string_view k_config = "/etc/acp/registry/config.yml";
inline constexpr std::string_view k_cert = "/etc/acp/registry/tls.crt";
inline constexpr std::string_view k_key = "/etc/acp/registry/tls.key";
inline constexpr std::string_view k_htpasswd = "/etc/acp/registry/htpasswd";
/// The pull listener's record and service (acp-registry-pull) and its files.
inline constexpr std::string_view k_pull_name = "registry-pull";
inline constexpr std::string_view k_pull_config = "/etc/acp/registry-pull/config.yml";
inline constexpr std::string_view k_pull_cert = "/etc/acp/registry-pull/tls.crt";
inline constexpr std::string_view k_pull_key = "/etc/acp/registry-pull/tls.key";
inline constexpr std::string_view k_pull_client_ca = "/etc/acp/registry-pull/client-ca.crt";

/// config.yml of a replica: listens on spec.registry.port with TLS, htpasswd auth, storage
/// in spec.registry.storageDir. Holds no secret.
std::string render_config(const config::Registry& registry);
/// One htpasswd line "user:$2b$10$..." (bcrypt, cost 10). The salt comes from `salt_seed`
/// and the user name, so the same inputs give the same line (a re-apply changes nothing)
/// and a new password a new line. Fails (Errc::invalid_input) for a user name with ':' or
/// whitespace, or an empty password, never quoting the password.
Result<std::string> htpasswd_line(const std::string& user, const std::string& password,
                                  const std::string& salt_seed);
/// The registry password (spec.registry.password resolved, registered with log::add_secret);
/// fails naming its source, or saying to set it.
Result<std::string> password(const config::Cluster& cluster);

/// config.yml, tls.crt/tls.key (the node's registry certificate from the cluster CA) and
/// htpasswd on a control-plane node of a cluster with spec.registry; nothing elsewhere.
Result<std::vector<service::FileToWrite>> render(const stages::PlatformSource& source,
                                                 const config::Node& node);
/// acp-registry: set up where the package carries the registry and render gives files,
/// rewritten and restarted when they or the binary change, removed where no longer wanted.
void plan_node(const plan::PlanInput& input, const plan::HostContext& host,
               std::vector<plan::Step>& out);
Result<state::StateChange> apply(const plan::Step& step, stages::StepContext& ctx);
/// How the supervisor runs a registry process `name` on `config`: the package's binary,
/// always restarted, healthy when it accepts connections on `port`.
service::ServiceSpec registry_spec(std::string_view name, std::string_view config, int port);
/// How the supervisor runs a replica; healthy when it accepts connections on its port.
service::ServiceSpec service_spec(const config::Cluster& cluster);
/// The node's registry server pair from the cluster PKI; Errc::failed naming the node when
/// the PKI has none (it was ensured before spec.registry was set).
Result<const pki::KeyPair*> server_pair(const stages::PlatformSource& source,
                                        const config::Node& node);

/// The pull listener's config.yml: spec.registry.pullPort with TLS, client certificates from
/// the cluster CA required (http.tls.clientcas), no auth section, the replica's storage in
/// read-only maintenance mode and without upload purging (it never writes or deletes: the
/// replica on spec.registry.port alone does). Holds no secret.
std::string render_pull_config(const config::Registry& registry);
/// config.yml, its own copy of the node's registry server pair and the cluster CA as the
/// client CA, where render gives a replica's files; nothing elsewhere.
Result<std::vector<service::FileToWrite>> render_pull(const stages::PlatformSource& source,
                                                      const config::Node& node);
/// acp-registry-pull: set up beside every replica (the registry binary), rewritten and
/// restarted when its files or the binary change, removed where no longer wanted.
void plan_pull(const plan::PlanInput& input, const plan::HostContext& host,
               std::vector<plan::Step>& out);
Result<state::StateChange> apply_pull(const plan::Step& step, stages::StepContext& ctx);
/// How the supervisor runs the pull listener; healthy when it accepts connections.
service::ServiceSpec pull_service_spec(const config::Cluster& cluster);

/// "registry replica on :11443, pulls on :11444, up" / "... not listening" on a node that
/// runs one.
std::optional<stages::StatusLine> node_status(const facts::HostFacts& facts);
/// "registry: 3/3 replicas up" over the control-plane nodes; not ok when one is down.
std::optional<stages::StatusLine>
cluster_status(const config::Cluster& cluster,
               const std::map<std::string, facts::HostFacts>& facts);
/// The TCP ports preflight checks on control-plane nodes when spec.registry is set: the
/// push port (acp-registry) and the pull port (acp-registry-pull).
std::vector<preflight::PortClaim> ports(const config::Cluster& cluster);

// The package's images on the replicas (stage "images", and `acpctl images push|list`).

/// The state record of the images pushed to a node's replica; its digest is images_digest.
inline constexpr std::string_view k_images_record = "registry-images";

/// Every image of the package's components once, as pushes: the manifest digest from the
/// layout, to the ref's repository and tag (the ref's own registry is dropped: the platform
/// registry stands in for it). Fails naming a ref docker could not read.
Result<std::vector<oci::ImageSource>> image_sources(const package::Manifest& manifest);
/// "sha256:<hex>" over the images (ref and digest, sorted): what a replica was filled with.
std::string images_digest(std::span<const std::string> images);
/// The replica on `node`: its address and spec.registry.port, the cluster CA from acpctl's
/// cluster directory, spec.registry's user and password (registered as a secret).
Result<oci::Registry> replica(const config::Cluster& cluster, const config::Node& node);

/// Stage "images": a replica whose record lacks the package's images gets them pushed.
void plan_images(const plan::PlanInput& input, const plan::HostContext& host,
                 std::vector<plan::Step>& out);
/// Pushes the unpacked package's images (ctx.unpacked/images) to the step's node's replica.
Result<state::StateChange> apply_images(const plan::Step& step, stages::StepContext& ctx);

} // namespace acp::platform_registry
