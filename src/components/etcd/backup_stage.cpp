// Stage "etcd-backup", plan and apply halves: the scheduler is one platform service per etcd
// node (record "etcd-backup"), rewritten and restarted when its scripts change, removed by
// the prune stage where it is no longer wanted.

#include "acpctl/components/etcd/backup.hpp"
#include "acpctl/stages/platform.hpp"

namespace acp::etcd {

namespace {

// Restarting the scheduler is instant; runsvdir may take up to 5 s to notice a new service.
constexpr int k_gate_seconds = 15;

std::string backup_digest(const std::vector<plan::FileDigest>& files) {
  return plan::files_digest(files);
}

} // namespace

void plan_backup(const plan::PlanInput& input, const plan::HostContext& host,
                 std::vector<plan::Step>& out) {
  if (!input.platform)
    return;
  const auto& files = input.platform->of(host.node.name, k_backup);
  if (files.empty()) {
    if (host.facts.state.find_record(k_backup)) {
      plan::Step step;
      step.action = plan::Action::remove;
      step.component = k_backup;
      step.stage = "prune";
      step.reason = !input.cluster.etcd_backup
                        ? "no spec.etcdBackup any more: stop scheduled etcd snapshots"
                        : "not an etcd node: stop scheduled etcd snapshots";
      step.params = plan::make_params(stages::RecordParams{k_backup});
      out.push_back(std::move(step));
    }
    return;
  }
  if (auto step = plan::plan_platform_service(host, k_backup, k_backup, backup_digest(files),
                                              "the snapshot schedule or scripts"))
    out.push_back(std::move(*step));
}

Result<state::StateChange> apply_backup(const plan::Step& step, stages::StepContext& ctx) {
  auto files = stages::render_for(&render_backup, ctx);
  if (!files)
    return std::move(files).error();
  const auto digest = backup_digest(stages::digests_of(*files));
  if (auto ok = stages::check_digest("the snapshot schedule or scripts", digest, step.digest); !ok)
    return std::move(ok).error();
  if (auto ok = stages::write_files(ctx.actions, *files); !ok)
    return std::move(ok).error();
  if (auto ok = stages::run_platform_service(ctx, backup_service_spec(), k_gate_seconds); !ok)
    return std::move(ok).error();
  return state::StateChange::put_record(
      stages::platform_record(k_backup, step.digest, *files, {k_backup_dir}, k_backup, {}));
}

} // namespace acp::etcd
