#pragma once
// The etcd component's stage "etcd": its typed step params, planner, renderer and apply
// half (src/components/etcd/), for its registration and its tests.

#include "acpctl/stages/step.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace acp::etcd {

/// What an etcd step acts on: `member` (a node name, or a member id for a member of no
/// node), `mode` for a create or change ("bootstrap", "join" or "member": rewrite and
/// restart), and for a removal the member `id` (hex) and whether the node is `local`ly
/// cleaned too (it has lost the role but is still in the config).
struct StepParams {
  std::string member;
  std::string mode;
  std::string id;
  bool local = false;
  bool operator==(const StepParams&) const = default;
  std::string subject() const { return "member " + member; }
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StepParams, member, mode, id, local)

/// The stage that turns etcd's authorization on (auth.cpp).
inline constexpr std::string_view k_auth = "etcd-auth";
/// One step on an etcd node unless a member says authorization is on: after a fresh
/// bootstrap, and on a cluster set up before acpctl turned it on.
Status plan_auth(const plan::PlanInput& input, std::span<const plan::HostContext> hosts,
                 std::vector<plan::Step>& out);
/// Adds acpctl's etcd users (pki/etcd_users.hpp) with the root role, then `auth enable`.
Result<state::StateChange> apply_auth(const plan::Step& step, stages::StepContext& ctx);

/// Plans the whole cluster's membership (serial stage; see plan.cpp).
Status plan_members(const plan::PlanInput& input, std::span<const plan::HostContext> hosts,
                    std::vector<plan::Step>& out);
/// etcd's config file and endpoint file on an etcd node; nothing elsewhere.
Result<std::vector<service::FileToWrite>> render(const stages::PlatformSource& source,
                                                 const config::Node& node);
/// Bootstraps, joins, restarts or removes the node's member.
Result<state::StateChange> apply(const plan::Step& step, stages::StepContext& ctx);

/// The digest of everything an etcd member runs from: its config files (the stable part),
/// its certificates and the etcd binary's digest. A member whose record differs restarts.
std::string member_digest(std::span<const plan::FileDigest> etcd_files,
                          std::span<const plan::FileDigest> pki_files,
                          const std::string& binary_digest);

} // namespace acp::etcd
