// etcd snapshots on the nodes: the member to take one from, the save and list scripts (sh,
// no user values in them: the directory, name and etcdctl's argv come as arguments) and the
// parser of the list's lines.

#include "acpctl/components/etcd/snapshot.hpp"

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/components/etcd/view.hpp"
#include "acpctl/transport/parallel.hpp"
#include "acpctl/util/strings.hpp"
#include "run_root.hpp"
#include "save_script.hpp"

#include <charconv>
#include <fmt/chrono.h>
#include <fmt/format.h>

namespace acp::etcd {

namespace {

// $1 dir: one line "NAME SIZE MTIME RECORDED ACTUAL" per snapshot ("-" when not recorded).
constexpr const char* k_list_script = R"SH(dir=$1
[ -d "$dir" ] || exit 0
for f in "$dir"/snapshot-etcd-*.db; do
  [ -f "$f" ] || continue
  rec=-
  if [ -r "$f.sha256" ]; then read -r rec _ <"$f.sha256" || rec=-; fi
  if command -v openssl >/dev/null 2>&1; then act=$(openssl dgst -sha256 -r "$f"); else act=$(sha256sum -- "$f"); fi
  echo "${f##*/} $(stat -c '%s %Y' -- "$f") ${rec:--} ${act%% *}"
done
)SH";

// $1 dir $2 name: that snapshot's line as the list prints it, its digest not computed ("-").
constexpr const char* k_find_script = R"SH(f=$1/$2
[ -f "$f" ] || exit 0
rec=-
if [ -r "$f.sha256" ]; then read -r rec _ <"$f.sha256" || rec=-; fi
echo "$2 $(stat -c '%s %Y' -- "$f") ${rec:--} -"
)SH";

template <class T> bool number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

} // namespace

namespace detail {

Result<transport::CommandResult> run_root(transport::Transport& on, std::vector<std::string> argv,
                                          std::chrono::seconds limit) {
  transport::Command command;
  command.argv = std::move(argv);
  command.sudo = true;
  command.timeout = limit;
  auto r = on.run(command);
  if (!r)
    return std::move(r).error();
  if (!r->ok())
    return Error(Errc::remote, fmt::format("exit {}: {}", r->exit_code, util::trim(r->err)))
        .with_host(on.host());
  return r;
}

} // namespace detail

std::string snapshot_name(std::chrono::system_clock::time_point at,
                          const std::string& node_address) {
  return fmt::format("snapshot-etcd-{:%Y%m%d-%H%M%S}-{}.db",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(at)), node_address);
}

std::string snapshot_dir(const config::Cluster& cluster) {
  return cluster.etcd_backup ? cluster.etcd_backup->local_path : config::EtcdBackup{}.local_path;
}

Result<int> ttl_minutes(const config::Cluster& cluster) {
  const std::string ttl = cluster.etcd_backup ? cluster.etcd_backup->ttl : config::EtcdBackup{}.ttl;
  int n = 0;
  const auto unit = ttl.empty() ? '\0' : ttl.back();
  const int per = unit == 'd' ? 24 * 60 : unit == 'h' ? 60 : unit == 'm' ? 1 : 0;
  if (per == 0 || !number(std::string_view(ttl).substr(0, ttl.size() - 1), n) || n <= 0 ||
      n > 3650 * 24 * 60 / per)
    return Error(Errc::invalid_input, fmt::format("ttl {} is not a duration", util::quoted(ttl)))
        .at(cluster.where("spec.etcdBackup.localStorage.ttl"))
        .with_hint("write a whole number of days, hours or minutes: 7d, 12h, 30m");
  return n * per;
}

Result<std::string> snapshot_source(const config::Cluster& cluster,
                                    const std::map<std::string, facts::HostFacts>& facts) {
  const auto view = view_of(cluster, facts);
  const MemberView* pick = nullptr;
  for (const auto& m : view.members)
    if (m.reached && m.healthy && !m.node.empty() && (!pick || (pick->leader && !m.leader)))
      pick = &m;
  if (pick)
    return pick->node;
  return Error(Errc::failed, view.exists ? "no etcd member is up and healthy: " + quorum_line(view)
                                         : "this cluster has no etcd member yet")
      .with_hint(view.exists ? "start the members (`acpctl apply` restarts them), check "
                               "`acpctl status`, then take the snapshot"
                             : "apply the cluster first: `acpctl apply -f cluster.yaml ...`");
}

Result<SavedSnapshot> save_snapshot(transport::Transport& on, const config::Cluster& cluster,
                                    const config::Node& node,
                                    std::chrono::system_clock::time_point at) {
  auto ttl = ttl_minutes(cluster);
  if (!ttl)
    return std::move(ttl).error();
  const auto dir = snapshot_dir(cluster);
  const auto name = snapshot_name(at, node.address);
  std::vector<std::string> argv{"sh", "-c", detail::k_save_script, "sh",
                                dir,  name, std::to_string(*ttl)};
  for (auto& a : etcdctl({local_client_url(cluster)}, {}))
    argv.push_back(std::move(a));
  auto r = detail::run_root(on, std::move(argv), std::chrono::minutes(30));
  if (!r)
    return Error(std::move(r).error()).context("taking an etcd snapshot");
  SavedSnapshot out;
  out.path = dir + "/" + name;
  for (const auto& line : util::split(r->out, '\n')) {
    const auto f = util::split(std::string(util::trim(line)), ' ');
    if (f.size() == 2 && f[0] == "expired")
      out.expired.push_back(f[1]);
    if (f.size() == 4 && f[0] == "saved" && number(f[2], out.snapshot.size) &&
        number(f[3], out.snapshot.modified))
      out.snapshot.recorded_sha256 = out.snapshot.actual_sha256 = f[1];
  }
  if (out.snapshot.actual_sha256.empty())
    return Error(Errc::remote, "the snapshot script did not report the saved file")
        .with_host(node.name);
  out.snapshot.node = node.name;
  out.snapshot.name = name;
  return out;
}

std::vector<StoredSnapshot> parse_snapshot_list(std::string_view output, const std::string& node) {
  std::vector<StoredSnapshot> out;
  for (const auto& line : util::split(output, '\n')) {
    const auto f = util::split(std::string(util::trim(line)), ' ');
    StoredSnapshot s;
    if (f.size() != 5 || !f[0].starts_with("snapshot-etcd-") || !number(f[1], s.size) ||
        !number(f[2], s.modified))
      continue;
    s.node = node;
    s.name = f[0];
    s.recorded_sha256 = f[3] == "-" ? "" : f[3];
    s.actual_sha256 = f[4] == "-" ? "" : f[4];
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<StoredSnapshot>>
list_snapshots(transport::Transport& on, const config::Cluster& cluster, const config::Node& node) {
  auto r = detail::run_root(on, {"sh", "-c", k_list_script, "sh", snapshot_dir(cluster)},
                            std::chrono::minutes(10));
  if (!r)
    return Error(std::move(r).error()).context("listing etcd snapshots");
  return parse_snapshot_list(r->out, node.name);
}

Result<std::optional<StoredSnapshot>> find_snapshot(transport::Transport& on,
                                                    const config::Cluster& cluster,
                                                    const config::Node& node,
                                                    const std::string& name) {
  auto r = detail::run_root(on, {"sh", "-c", k_find_script, "sh", snapshot_dir(cluster), name},
                            std::chrono::minutes(1));
  if (!r)
    return Error(std::move(r).error()).context("looking for " + name);
  auto found = parse_snapshot_list(r->out, node.name);
  if (found.empty())
    return std::optional<StoredSnapshot>();
  return std::optional(std::move(found.front()));
}

std::optional<std::string>
quick_snapshot_source(const config::Cluster& cluster,
                      const std::function<transport::Transport&(const std::string&)>& node) {
  const auto members = cluster.nodes_with(config::Role::etcd);
  const auto argv = etcdctl({local_client_url(cluster)}, {"endpoint", "status"});
  const auto statuses = transport::run_bounded<EndpointStatus>(
      members.size(), 8, [&](std::size_t i) -> Result<EndpointStatus> {
        auto r = detail::run_root(node(members[i]->name), argv, std::chrono::seconds(10));
        if (!r)
          return std::move(r).error();
        return parse_endpoint_status(r->out + "\n" + r->err);
      });
  std::optional<std::string> pick;
  bool pick_is_leader = true;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const auto& st = statuses[i];
    if (!st || st->leader == 0 || !st->errors.empty())
      continue;
    const bool leader = st->leader == st->member_id;
    if (!pick || (pick_is_leader && !leader)) {
      pick = members[i]->name;
      pick_is_leader = leader;
    }
  }
  return pick;
}

} // namespace acp::etcd
