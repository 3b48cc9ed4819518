// The interface for the VIP and the VRRP password: the parts of keepalived.conf that come
// from facts or from a secret rather than from plain config values.

#include "acpctl/keepalived/inputs.hpp"

#include "acpctl/keepalived/render.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/log.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <system_error>

namespace acp::keepalived {

namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

Result<std::string> random_password() {
  std::string out;
  while (out.size() < k_auth_max) {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
      return Error(Errc::failed, "the system's random number generator failed");
    // Rejection sampling keeps every character equally likely.
    for (const unsigned char b : bytes)
      if (b < 248 && out.size() < k_auth_max)
        out += k_alphabet[b % k_alphabet.size()];
  }
  return out;
}

Result<std::string> kept_password(const std::filesystem::path& cluster_dir) {
  const auto path = cluster_dir / "keepalived-auth";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    auto fresh = random_password();
    if (!fresh)
      return fresh;
    std::filesystem::create_directories(cluster_dir, ec);
    if (auto ok = util::write_file_atomic(path, *fresh + "\n", std::filesystem::perms(0600)); !ok)
      return std::move(ok).error().context("keeping the cluster's VRRP password");
  }
  config::SecretRef ref;
  ref.from_file = path.string();
  auto value = ref.resolve();
  if (!value)
    return std::move(value).error().context("reading the cluster's VRRP password");
  if (auto ok = check_auth_password(*value); !ok)
    return Error(std::move(ok).error()).context(path.string());
  return value;
}

} // namespace

Result<std::string> interface_for(const config::Cluster& cluster, const config::Node& node,
                                  const facts::HostFacts& facts) {
  if (cluster.endpoint.self_built_vip && !cluster.endpoint.self_built_vip->interface.empty())
    return cluster.endpoint.self_built_vip->interface;
  for (const auto& iface : facts.interfaces)
    for (const auto& address : iface.addresses)
      if (address == node.address)
        return iface.name;
  return Error(Errc::invalid_input,
               fmt::format("no interface on the node holds its address {}", node.address))
      .with_host(node.name)
      .with_hint("set spec.controlPlaneEndpoint.selfBuiltVIP.interface to the interface the "
                 "VIP should live on, e.g. eth0");
}

Result<std::string> auth_password(const config::Cluster& cluster,
                                  const std::filesystem::path& cluster_dir) {
  if (!cluster.endpoint.self_built_vip)
    return Error(Errc::invalid_input, "the cluster has no selfBuiltVIP");
  const auto& ref = cluster.endpoint.self_built_vip->auth_password;
  Result<std::string> value = ref.empty() ? kept_password(cluster_dir) : ref.resolve();
  if (!value)
    return value;
  log::add_secret(*value);
  if (ref.empty())
    return value;
  if (auto ok = check_auth_password(*value); !ok)
    return Error(std::move(ok).error())
        .context(fmt::format("selfBuiltVIP.authPassword ({})", ref.describe()))
        .at(cluster.where("spec.controlPlaneEndpoint.selfBuiltVIP.authPassword"));
  return value;
}

} // namespace acp::keepalived
