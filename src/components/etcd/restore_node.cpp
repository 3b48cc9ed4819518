// The restore's per-node scripts. etcd 3.5+ restores with etcdutl (3.6 dropped `etcdctl
// snapshot restore`); 3.4 has only etcdctl: the scripts take etcdutl when the package has it.
// etcd's restore checks the hash etcdctl appended when it saved the snapshot, so a truncated
// or damaged file fails in prepare_member.

#include "restore_node.hpp"

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <thread>

namespace acp::etcd::detail {

namespace {

constexpr const char* k_pick_tool = R"SH(tool=$1; shift
u=${tool%/*}/etcdutl
[ -x "$u" ] && tool=$u
)SH";

// $1 staged: the snapshot's status as JSON.
constexpr const char* k_status = R"SH(set -eu
"$tool" snapshot status "$1" -w json
)SH";

// $1 prepared $2 staged, then name initial-cluster token peer-url. A failed restore leaves
// no half-prepared dir behind.
constexpr const char* k_prepare = R"SH(set -eu
prepared=$1 file=$2
rm -rf -- "$prepared"
trap 'rm -rf -- "$prepared"' EXIT
"$tool" snapshot restore "$file" --name "$3" --initial-cluster "$4" \
  --initial-cluster-token "$5" --initial-advertise-peer-urls "$6" --data-dir "$prepared" >/dev/null
chmod 0700 -- "$prepared"
trap - EXIT
)SH";

// $1 data $2 aside $3 prepared.
constexpr const char* k_swap = R"SH(set -eu
data=$1 aside=$2
if [ -e "$data" ]; then
  [ ! -e "$aside" ] || { echo "$aside exists already" >&2; exit 1; }
  mv -- "$data" "$aside"
fi
mv -- "$3" "$data"
)SH";

constexpr const char* k_undo = R"SH(set -eu
data=$1 aside=$2
[ -e "$aside" ] || exit 0
rm -rf -- "$data"
mv -- "$aside" "$data"
)SH";

std::vector<std::string> script(const char* body, std::vector<std::string> args) {
  std::vector<std::string> argv{"sh", "-c", std::string(k_pick_tool) + body, "sh", k_etcdctl};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

} // namespace

Result<SnapshotStatus> snapshot_status(transport::Transport& on, const std::string& staged) {
  auto r = run_root(on, script(k_status, {staged}), std::chrono::minutes(10));
  if (!r)
    return std::move(r).error();
  const auto text = std::string(util::trim(r->out));
  const auto brace = text.rfind('{');
  const auto doc =
      nlohmann::json::parse(brace == std::string::npos ? text : text.substr(brace), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("revision"))
    return Error(Errc::remote, "unexpected `snapshot status` output: " + util::quoted(text))
        .with_host(on.host());
  return SnapshotStatus{doc.value("revision", std::uint64_t{0}),
                        doc.value("totalKey", std::uint64_t{0})};
}

Status prepare_member(transport::Transport& on, const RestorePlan& plan, const RestoreMember& m,
                      const std::string& peer_url) {
  auto r = run_root(
      on,
      script(k_prepare, {m.prepared, m.staged, m.node, plan.initial_cluster, plan.token, peer_url}),
      std::chrono::minutes(10));
  if (!r && r.error().code() == Errc::remote)
    return Error(Errc::verify, "etcd cannot read the snapshot: " + r.error().message())
        .with_host(on.host())
        .with_hint("the file is damaged or not an etcd snapshot; nothing was stopped. Take "
                   "another snapshot or restore an older one (`acpctl etcd snapshot list`)");
  if (!r)
    return std::move(r).error();
  return {};
}

Status swap_member(transport::Transport& on, const RestoreMember& m) {
  auto r = run_root(on, script(k_swap, {m.data_dir, m.aside, m.prepared}), std::chrono::minutes(1));
  if (!r)
    return Error(std::move(r).error()).context("putting the restored data dir in place");
  return {};
}

Status discard_member(transport::Transport& on, const RestoreMember& m) {
  auto r = run_root(on, {"rm", "-rf", "--", m.prepared, m.staged}, std::chrono::minutes(5));
  if (!r)
    return std::move(r).error();
  return {};
}

Status undo_member(transport::Transport& on, const RestoreMember& m) {
  auto r = run_root(on, script(k_undo, {m.data_dir, m.aside}), std::chrono::minutes(5));
  if (!r)
    return Error(std::move(r).error()).context("putting " + m.aside + " back");
  return {};
}

Status clean_member(transport::Transport& on, const RestoreMember& m) {
  auto r = run_root(on, {"rm", "-rf", "--", m.aside, m.staged}, std::chrono::minutes(5));
  if (!r)
    return std::move(r).error();
  return {};
}

Status switch_service(transport::Transport& on, const service::ServiceManager& manager,
                      const std::string& name, bool up, std::chrono::seconds limit) {
  if (auto r = run_root(on, up ? manager.start(name) : manager.stop(name), limit); !r)
    return std::move(r).error();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = run_root(on, manager.status(name), std::chrono::seconds(10));
    if (r)
      if (auto st = manager.parse_status(r->out); st && st->running == up)
        return {};
    last = r ? r->out : r.error().message();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return Error(Errc::timeout, fmt::format("etcd did not {} within {}s: {}", up ? "start" : "stop",
                                          limit.count(), util::trim(last)))
      .with_host(on.host());
}

} // namespace acp::etcd::detail
