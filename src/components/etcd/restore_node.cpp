// The restore's per-node scripts. etcd 3.5+ restores with etcdutl (3.6 dropped `etcdctl
// snapshot restore`); 3.4 has only etcdctl: the scripts take etcdutl when the package has it.

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

// $1 tool $2 staged $3 scratch: restore into the scratch dir, then the snapshot's status.
constexpr const char* k_trial = R"SH(set -eu
file=$1 scratch=$2
rm -rf -- "$scratch"
trap 'rm -rf -- "$scratch"' EXIT
"$tool" snapshot restore "$file" --data-dir "$scratch" --name trial \
  --initial-cluster trial=http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 >/dev/null
"$tool" snapshot status "$file" -w json
)SH";

// $1 tool, then data aside staged name initial-cluster token peer-url.
constexpr const char* k_restore = R"SH(set -eu
data=$1 aside=$2 file=$3
if [ -e "$data" ]; then
  [ ! -e "$aside" ] || { echo "$aside exists already" >&2; exit 1; }
  mv -- "$data" "$aside"
fi
"$tool" snapshot restore "$file" --name "$4" --initial-cluster "$5" \
  --initial-cluster-token "$6" --initial-advertise-peer-urls "$7" --data-dir "$data" >/dev/null
chmod 0700 -- "$data"
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

Result<SnapshotStatus> trial_restore(transport::Transport& on, const std::string& staged,
                                     const std::string& scratch) {
  auto r = run_root(on, script(k_trial, {staged, scratch}), std::chrono::minutes(10));
  if (!r) {
    if (r.error().code() != Errc::remote)
      return std::move(r).error();
    return Error(Errc::verify, "etcd cannot read the snapshot: " + r.error().message())
        .with_host(on.host())
        .with_hint("the file is damaged or not an etcd snapshot; nothing was stopped. Take "
                   "another snapshot or restore an older one (`acpctl etcd snapshot list`)");
  }
  const auto text = std::string(util::trim(r->out));
  const auto doc = nlohmann::json::parse(text.substr(text.rfind('{')), nullptr, false);
  if (doc.is_discarded() || !doc.contains("revision"))
    return Error(Errc::remote, "unexpected `snapshot status` output: " + util::quoted(text))
        .with_host(on.host());
  return SnapshotStatus{doc.value("revision", std::uint64_t{0}),
                        doc.value("totalKey", std::uint64_t{0})};
}

Status restore_member(transport::Transport& on, const RestorePlan& plan, const RestoreMember& m,
                      const std::string& peer_url) {
  auto r = run_root(on,
                    script(k_restore, {m.data_dir, m.aside, m.staged, m.node, plan.initial_cluster,
                                       plan.token, peer_url}),
                    std::chrono::minutes(10));
  if (!r)
    return Error(std::move(r).error()).context("restoring " + m.data_dir);
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
