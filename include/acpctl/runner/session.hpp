#pragma once
// What plan, apply and reset share: the loaded cluster config and package, one transport per
// node, and the facts gathered from them. The CLI builds a Session and only prints.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/gather.hpp"
#include "acpctl/package/open.hpp"
#include "acpctl/package/trust.hpp"
#include "acpctl/plan/desired.hpp"
#include "acpctl/plan/plan.hpp"
#include "acpctl/plan/plan_file.hpp"
#include "acpctl/preflight/check.hpp"
#include "acpctl/runner/connect.hpp"
#include "acpctl/stages/registry.hpp"
#include "acpctl/stages/step.hpp"
#include "acpctl/transport/transport.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace acp::runner {

struct SessionOptions {
  std::filesystem::path config;
  std::optional<std::filesystem::path> package;    ///< absent for reset
  std::optional<std::filesystem::path> public_key; ///< --key
  bool insecure_skip_signature = false;            ///< --insecure-skip-signature
  /// A saved plan's package key: the package must verify with exactly that key.
  std::string required_fingerprint;
  /// Verify every file of the package against its manifest while opening (plan, certs
  /// renew). apply leaves it off: its unpack pass verifies the content before any change.
  bool verify_content = true;
  int parallel = 16;
  /// The components to plan and apply; null: acpctl's own (components::registry()).
  const stages::Registry* registry = nullptr;
  /// `acpctl upgrade`: a patch package is accepted (overlaid on the installed release);
  /// without it a patch is refused with a pointer to `acpctl upgrade apply`.
  bool upgrade = false;
  /// `acpctl upgrade rollback`: no package; the target is the nodes' previous release.
  bool rollback = false;
};

class Session {
public:
  /// Loads and validates the config and opens the package: package::decide_trust (its
  /// signature with --key or the cluster's recorded keys), then, with verify_content, every
  /// file in one streaming pass; a first-use key is recorded for the cluster. Nodes are
  /// reached through `connect` (empty: SSH with the config's settings). Fails with the
  /// config's or package's error; an untrusted package is Errc::verify.
  static Result<Session> open(const SessionOptions& options, Connect connect = {});

  const config::Cluster& cluster() const { return m_cluster; }
  const SessionOptions& options() const { return m_options; }
  const std::optional<package::OpenedPackage>& package() const { return m_package; }
  const std::vector<plan::DesiredComponent>& desired() const { return m_desired; }
  /// The release the plan installs (the package's, or a rollback's target); null before
  /// resolve_target without a package.
  const state::Release* release() const { return m_release ? &*m_release : nullptr; }
  /// "rollback" after resolve_target of a rollback; else empty.
  const std::string& release_action() const { return m_release_action; }
  /// Decides what to install from the nodes' facts: a patch is overlaid on the installed
  /// release, a rollback returns to the previous one; a core package stays as it is. Fails
  /// (Errc::conflict) when the patch does not fit or nothing can be rolled back, and
  /// (Errc::usage) for a patch outside `acpctl upgrade`.
  Status resolve_target(const facts::Gathered& gathered);
  /// The digests a plan records and a saved plan is checked against.
  const std::string& config_digest() const { return m_config_digest; }
  const std::string& package_digest() const { return m_package_digest; }
  /// The components this session plans, applies and gathers facts for.
  const stages::Registry& registry() const;
  /// How the package was trusted; empty without a package.
  const std::optional<package::Trusted>& trust() const { return m_trust; }

  /// What the platform stages render from: the config, the cluster's PKI (once loaded
  /// by plan_cluster) and the nodes' facts (e.g. which interface holds a node's address).
  stages::PlatformSource platform(const facts::Gathered& gathered) const {
    return {m_cluster, m_pki.get(), &gathered.facts, &m_desired};
  }
  /// Loads the cluster's PKI from pki::cluster_dir, creating what is missing or no longer
  /// right (pki::ensure); once per session. Fails with the PKI's error.
  Status load_pki();
  /// Loads the cluster's PKI as it is, changing and creating nothing (pki::load); fails with
  /// its error when it is missing or incomplete. For commands that only read it (reset).
  Status read_pki();

  /// The node's transport (SSH), created on first use; thread-safe per distinct node.
  transport::Transport& node(const std::string& name);

  /// Gathers facts from `nodes` (all when empty), at most options().parallel at once.
  facts::Gathered gather(const std::vector<std::string>& nodes = {});
  /// Serials per node from facts, for plan::check_fresh.
  plan::CurrentInputs current(const facts::Gathered& gathered) const;

private:
  SessionOptions m_options;
  config::Cluster m_cluster;
  std::optional<package::OpenedPackage> m_package;
  std::vector<plan::DesiredComponent> m_desired;
  std::vector<plan::DesiredComponent> m_carried; ///< the package's own components
  std::optional<state::Release> m_release;
  std::string m_release_action;
  std::string m_config_digest;
  std::string m_package_digest;
  std::optional<package::Trusted> m_trust;
  std::map<std::string, std::unique_ptr<transport::Transport>> m_nodes;
  Connect m_connect;
  std::shared_ptr<const pki::ClusterPki> m_pki;
};

/// The outcome of planning: facts, per-host preflight reports, and the plan when both
/// passed. One error per host that could not be reached.
struct Planned {
  facts::Gathered gathered;
  std::vector<preflight::HostReport> reports;
  std::optional<plan::Plan> plan;
  bool ok() const { return gathered.ok() && preflight::passed(reports) && plan.has_value(); }
};

/// Every node probes its peers on the ports they need (preflight/reach.hpp), all nodes at
/// once (bounded by --parallel), one command each; only the paths from or to `changing`
/// nodes (all when empty). A node whose probes could not run is logged as a warning and left
/// out (its facts already came through).
preflight::ReachResults probe_reach(Session& session, std::span<const std::string> changing = {});

/// Gathers facts, runs preflight, makes the plan (config + package + facts -> plan). When the
/// plan has changes, the nodes then probe the paths to and from the nodes it changes, and a
/// failed probe fails preflight (no plan). A plan without changes probes nothing.
Result<Planned> plan_cluster(Session& session);

} // namespace acp::runner
