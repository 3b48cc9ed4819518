// The interface for the VIP and the VRRP password: the parts of keepalived.conf that come
// from facts or from a secret rather than from plain config values.

#include "acpctl/components/keepalived/inputs.hpp"

#include "acpctl/components/keepalived/render.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/util/log.hpp"

#include <fmt/format.h>
#include <system_error>

namespace acp::keepalived {

namespace {

Result<std::string> kept_password(const std::filesystem::path& cluster_dir) {
  auto value = pki::kept_random(cluster_dir, "keepalived-auth", k_auth_max, "VRRP password");
  if (!value)
    return value;
  if (auto ok = check_auth_password(*value); !ok)
    return Error(std::move(ok).error()).context((cluster_dir / "keepalived-auth").string());
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

Result<std::string> digest_salt(const std::filesystem::path& cluster_dir) {
  auto value = pki::kept_random(cluster_dir, "keepalived-salt", 43, "keepalived digest salt");
  if (!value)
    return value;
  if (value->size() < 32)
    return Error(Errc::invalid_input, "the keepalived digest salt is shorter than 32 characters")
        .with_hint(
            fmt::format("delete {} and apply again", (cluster_dir / "keepalived-salt").string()));
  log::add_secret(*value);
  return value;
}

} // namespace acp::keepalived
