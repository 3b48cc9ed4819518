// Stage "etcd", apply half: one member per step, the runner going one host at a time.
//   bootstrap: config with initial-cluster = every etcd node of the config, state new; start;
//         gate. The runner starts a new cluster's members together (none is healthy alone).
//   join: member add on the cluster (from this node, against the other members' client
//         URLs, so the joining node proves it reaches them first), config with the members
//         at that moment and state existing; start; gate. A member already added (a resumed
//         apply) is not added twice.
//   member: rewrite the config if it changed and restart; gate (rolling, one at a time).
//   remove: member remove on the cluster, then (on its own node) stop etcd and delete its
//         config, data and certificates.
// etcdctl runs on the step's host with that node's health-check client certificate.

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/components/etcd/steps.hpp"
#include "acpctl/components/pki/steps.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/util/strings.hpp"

#include <chrono>
#include <fmt/format.h>
#include <thread>

namespace acp::etcd {

using namespace stages;

namespace {

// Joining is slow on purpose: etcd refuses a member add until the leader has been connected
// to every member for 5 s (strict reconfig check), e.g. right after the previous join.
constexpr int k_reconfig_seconds = 40;
constexpr int k_gate_seconds = 60;

// The step's params; a step without them (a hand-made plan) acts on its own node.
StepParams params_of(const plan::Step& step) {
  if (const auto* p = step.params_as<StepParams>())
    return *p;
  return {step.host, "member", "", false};
}

// Client URLs of the other etcd nodes in the config: where the cluster answers.
std::vector<std::string> other_members(const config::Cluster& cluster, const std::string& self) {
  std::vector<std::string> out;
  for (const auto* n : cluster.nodes_with(config::Role::etcd))
    if (n->name != self)
      out.push_back(client_url(cluster, *n));
  return out;
}

// Runs etcdctl; retries while etcd says the cluster is not ready for a reconfiguration.
Result<transport::CommandResult> run_etcdctl(StepContext& ctx, const std::vector<std::string>& eps,
                                             const std::vector<std::string>& args,
                                             bool retry_reconfig) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::seconds(k_reconfig_seconds);
  while (true) {
    auto r = ctx.actions.run(etcdctl(eps, args));
    if (r || !retry_reconfig || clock::now() >= deadline)
      return r;
    const auto& why = r.error().message();
    if (why.find("unhealthy cluster") == std::string::npos &&
        why.find("not enough started members") == std::string::npos)
      return r;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

const Member* find_member(const std::vector<Member>& members, const std::string& name,
                          const std::string& peer_url) {
  for (const auto& m : members)
    if (m.name == name)
      return &m;
  for (const auto& m : members)
    if (m.name.empty() &&
        std::find(m.peer_urls.begin(), m.peer_urls.end(), peer_url) != m.peer_urls.end())
      return &m;
  return nullptr;
}

// "n1=https://10.88.0.11:2380,n2=...": the named members plus this one (a member added but
// never started has no name yet; etcd then checks only the peer URLs it knows).
std::string initial_cluster(const std::vector<Member>& members, const std::string& self,
                            const std::string& self_peer) {
  std::vector<std::string> parts;
  for (const auto& m : members) {
    const bool me =
        std::find(m.peer_urls.begin(), m.peer_urls.end(), self_peer) != m.peer_urls.end();
    if (me || m.name.empty())
      continue;
    for (const auto& url : m.peer_urls)
      parts.push_back(m.name + "=" + url);
  }
  parts.push_back(self + "=" + self_peer);
  return util::join(parts, ",");
}

// A new cluster's initial-cluster: every etcd node in the config. Its members start together
// with the same text (etcd derives the member and cluster IDs from it and the token).
std::string bootstrap_cluster(const config::Cluster& cluster) {
  std::vector<std::string> parts;
  for (const auto* n : cluster.nodes_with(config::Role::etcd))
    parts.push_back(n->name + "=" + peer_url(cluster, *n));
  return util::join(parts, ",");
}

Result<std::vector<Member>> members_of(StepContext& ctx, const std::vector<std::string>& eps) {
  auto r = run_etcdctl(ctx, eps, {"member", "list"}, false);
  if (!r)
    return Error(std::move(r).error())
        .context("reading the etcd member list at " + util::join(eps, ","));
  return parse_member_list(r->out + "\n" + r->err);
}

// Adds this node as a member unless it is one; returns the initial-cluster to start with.
// Sets `uninstalled` when it had to stop and remove an old service of the node first.
Result<std::string> join(StepContext& ctx, const config::Cluster& cluster, const config::Node& node,
                         bool& uninstalled) {
  const auto eps = other_members(cluster, node.name);
  const auto peer = peer_url(cluster, node);
  if (ctx.actions.dry_run()) {
    (void)ctx.actions.run(etcdctl(eps, {"member", "add", node.name, "--peer-urls=" + peer}));
    return node.name + "=" + peer;
  }
  auto members = members_of(ctx, eps);
  if (!members)
    return Error(std::move(members).error())
        .with_hint("a joining member needs a healthy cluster: check `acpctl status`, start "
                   "the members that are down (apply with the etcd nodes unchanged), retry");
  // A member that ran before but whose data dir is gone (the node was reset) cannot start
  // again under its old ID (raft would find its log truncated): remove it and add it anew.
  if (const auto* old = find_member(*members, node.name, peer); old && old->started()) {
    auto data = query(ctx.actions.node(), {"test", "-d", cluster.etcd.data_dir + "/member"});
    if (!data)
      return std::move(data).error();
    if (!data->ok()) {
      if (auto r = run_etcdctl(ctx, eps, {"member", "remove", hex_id(old->id)}, true); !r)
        return Error(std::move(r).error()).context("removing the stale member of " + node.name);
      members = members_of(ctx, eps);
      if (!members)
        return std::move(members).error();
    }
  }
  if (!find_member(*members, node.name, peer)) {
    // Not a member: whatever is in its data dir belongs to another life of the node.
    if (auto ok = uninstall_service(ctx, k_service); !ok)
      return std::move(ok).error();
    uninstalled = true;
    // The data dir itself goes; config validation keeps it at least two levels deep and out
    // of the system directories, so its parent is a safe bound.
    const auto& data = cluster.etcd.data_dir;
    if (auto ok = ctx.actions.remove_tree({data}, data.substr(0, data.rfind('/'))); !ok)
      return std::move(ok).error();
    auto added = run_etcdctl(ctx, eps, {"member", "add", node.name, "--peer-urls=" + peer}, true);
    if (!added)
      return Error(std::move(added).error()).context("adding " + node.name + " as an etcd member");
    members = parse_member_list(added->out + "\n" + added->err);
    if (!members)
      return std::move(members).error();
  }
  return initial_cluster(*members, node.name, peer);
}

Result<state::StateChange> remove_member(const plan::Step& step, StepContext& ctx) {
  const auto& cluster = ctx.platform->cluster;
  const auto params = params_of(step);
  const bool local = params.local;
  auto eps = other_members(cluster, step.host);
  if (!local)
    eps.insert(eps.begin(), local_client_url(cluster));
  const auto& id = params.id;
  bool present = ctx.actions.dry_run();
  if (!ctx.actions.dry_run()) {
    auto members = members_of(ctx, eps);
    if (!members)
      return std::move(members).error();
    for (const auto& m : *members)
      present = present || hex_id(m.id) == id;
  }
  if (present)
    if (auto r = run_etcdctl(ctx, eps, {"member", "remove", id}, true); !r)
      return Error(std::move(r).error()).context("removing etcd member " + params.member);
  if (!local)
    return state::StateChange::nothing();
  std::vector<std::string> gone;
  for (const char* name : {k_service, "pki"})
    if (const auto* record = ctx.state.find_record(name)) {
      if (auto ok = remove_platform_record(ctx, *record); !ok)
        return std::move(ok).error();
      gone.push_back(name);
    }
  return state::StateChange::remove_records(std::move(gone));
}

} // namespace

Result<std::vector<service::FileToWrite>> render(const PlatformSource& source,
                                                 const config::Node& node) {
  std::vector<service::FileToWrite> out;
  if (!node.has_role(config::Role::etcd))
    return out;
  out.push_back({k_config_file, render_config(source.cluster, node), 0644});
  out.push_back({k_endpoint_file, local_client_url(source.cluster) + "\n", 0644});
  return out;
}

Result<state::StateChange> apply(const plan::Step& step, StepContext& ctx) {
  if (!ctx.platform || !ctx.node)
    return Error(Errc::failed, "the etcd stage ran without the cluster config");
  if (step.action == plan::Action::remove)
    return remove_member(step, ctx);
  if (!ctx.desired)
    return Error(Errc::failed, "the package has no etcd component")
        .with_hint("apply with the package the plan was made from");
  const auto& cluster = ctx.platform->cluster;
  auto files = render_for(&render, ctx);
  if (!files)
    return std::move(files).error();
  auto certs = render_for(&node_pki::render, ctx);
  if (!certs)
    return std::move(certs).error();
  const auto digest = member_digest(digests_of(*files), digests_of(*certs), ctx.desired->digest);
  if (auto ok = check_digest("etcd's config, certificates or binary", digest, step.digest); !ok)
    return std::move(ok).error();

  const auto mode = params_of(step).mode;
  std::string initial = bootstrap_cluster(cluster);
  bool uninstalled = false;
  if (mode == "join") {
    auto joined = join(ctx, cluster, *ctx.node, uninstalled);
    if (!joined)
      return std::move(joined).error();
    initial = *joined;
  }
  // The config file carries the first-start values too; etcd ignores them once its data dir
  // has a member, and the record's digest covers only the stable part.
  (*files)[0].content += bootstrap_config(initial, mode != "bootstrap", cluster_token(cluster));
  if (auto r = ctx.actions.run({"mkdir", "-p", "-m", "0700", "--", cluster.etcd.data_dir}); !r)
    return std::move(r).error();
  if (auto ok = write_files(ctx.actions, *files); !ok)
    return std::move(ok).error();
  const auto installed =
      uninstalled ? std::optional<bool>(false) : std::optional<bool>(std::nullopt);
  if (auto ok = run_platform_service(ctx, service_spec(cluster), k_gate_seconds, installed); !ok)
    return std::move(ok).error();
  return state::StateChange::put_record(
      platform_record(k_service, step.digest, *files, {k_config_dir, cluster.etcd.data_dir},
                      k_service, {cluster.etcd.client_port, cluster.etcd.peer_port}));
}

} // namespace acp::etcd
