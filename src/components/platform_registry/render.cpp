// The files of a registry replica: config.yml, its TLS pair from the cluster CA, and the
// htpasswd line made from spec.registry's user and password.

#include "acpctl/components/platform_registry/registry.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"

#include <crypt.h>
#include <fmt/format.h>
#include <memory>

namespace acp::platform_registry {

namespace {

constexpr int k_bcrypt_cost = 10; // htpasswd -B's default

// The bcrypt salt's 16 bytes: from the cluster's kept seed and the user, so a re-render gives
// the same line.
std::string salt_bytes(const std::string& seed, const std::string& user) {
  const auto hex = util::sha256_hex(seed + "\n" + user);
  std::string bytes;
  for (std::size_t i = 0; i < 32; i += 2)
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return bytes;
}

} // namespace

std::string render_config(const config::Registry& registry) {
  return fmt::format(R"(# Written by acpctl; changes are overwritten on the next apply.
version: 0.1
log:
  level: info
  formatter: text
  fields:
    service: acp-registry
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
http:
  addr: :{port}
  tls:
    certificate: {cert}
    key: {key}
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: acp-registry
    path: {htpasswd}
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
)",
                     fmt::arg("storage", registry.storage_dir), fmt::arg("port", registry.port),
                     fmt::arg("cert", k_cert), fmt::arg("key", k_key),
                     fmt::arg("htpasswd", k_htpasswd));
}

Result<std::string> htpasswd_line(const std::string& user, const std::string& password,
                                  const std::string& salt_seed) {
  if (user.empty() || user.find_first_of(": \t\r\n") != std::string::npos)
    return Error(Errc::invalid_input,
                 fmt::format("spec.registry.username {} cannot be an htpasswd user name",
                             util::quoted(user)))
        .with_hint("use letters, digits, '.', '_' or '-', e.g. admin");
  if (password.empty())
    return Error(Errc::invalid_input, "spec.registry.password is empty")
        .with_hint("give the registry a password: {fromEnv: VAR} or {fromFile: PATH}");
  const auto salt = salt_bytes(salt_seed, user);
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", k_bcrypt_cost, salt.data(), static_cast<int>(salt.size()), setting,
                       sizeof setting) == nullptr)
    return Error(Errc::failed, "libcrypt cannot make a bcrypt salt");
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_rn(password.c_str(), setting, data.get(), sizeof(crypt_data));
  if (hash == nullptr || hash[0] == '*')
    return Error(Errc::failed, "libcrypt cannot hash the registry password with bcrypt");
  return user + ":" + hash + "\n";
}

Result<std::string> password(const config::Cluster& cluster) {
  if (!cluster.registry || cluster.registry->password.empty())
    return Error(Errc::invalid_input, "spec.registry.password is not set")
        .with_hint("give the registry a password: password: {fromEnv: ACP_REGISTRY_PASSWORD}");
  auto value = cluster.registry->password.resolve();
  if (!value)
    return Error(std::move(value).error()).context("spec.registry.password");
  log::add_secret(*value);
  return value;
}

Result<const pki::KeyPair*> server_pair(const stages::PlatformSource& source,
                                        const config::Node& node) {
  const auto* pair = source.pki ? source.pki->registry_server(node.name) : nullptr;
  if (!pair)
    return Error(Errc::failed, "the cluster PKI has no registry certificate for this node")
        .with_host(node.name)
        .with_hint("run acpctl apply again: it issues the certificates the config needs");
  return pair;
}

Result<std::vector<service::FileToWrite>> render(const stages::PlatformSource& source,
                                                 const config::Node& node) {
  const auto& cluster = source.cluster;
  std::vector<service::FileToWrite> out;
  if (!cluster.registry || !node.has_role(config::Role::control_plane) || !source.carries(k_name))
    return out;
  auto found = server_pair(source, node);
  if (!found)
    return std::move(found).error();
  const auto* pair = *found;
  auto secret = password(cluster);
  if (!secret)
    return std::move(secret).error();
  auto seed =
      pki::kept_random(pki::cluster_dir(cluster), "registry-salt", 43, "registry htpasswd salt");
  if (!seed)
    return std::move(seed).error();
  auto line = htpasswd_line(cluster.registry->username, *secret, *seed);
  if (!line)
    return std::move(line).error();
  out.push_back({std::string(k_config), render_config(*cluster.registry), 0644});
  out.push_back({std::string(k_cert), pair->cert + source.pki->ca_cert(), 0644});
  out.push_back({std::string(k_key), pair->key, 0600});
  out.push_back({std::string(k_htpasswd), std::move(*line), 0600});
  return out;
}

} // namespace acp::platform_registry
