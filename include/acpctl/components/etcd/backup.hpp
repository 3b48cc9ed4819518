#pragma once
// Stage "etcd-backup": scheduled etcd snapshots (spec.etcdBackup.schedule). On every etcd
// node it installs /etc/acp/etcd/backup/save.sh (the same save `acpctl etcd snapshot save`
// runs) and a small scheduler service, acp-etcd-backup, that runs it on each minute the cron
// schedule matches (the node's local time), honouring the ttl. The same service runs under
// systemd and runit. Without spec.etcdBackup it is removed again.

#include "acpctl/plan/planner.hpp"
#include "acpctl/service/spec.hpp"
#include "acpctl/stages/step.hpp"

#include <string>
#include <vector>

namespace acp::etcd {

inline constexpr const char* k_backup = "etcd-backup";
inline constexpr const char* k_backup_dir = "/etc/acp/etcd/backup";
/// Holds spec.etcdBackup.localStorage.path: where the facts look for the newest snapshot.
inline constexpr const char* k_backup_dir_file = "/etc/acp/etcd/backup/dir";

/// The scheduler's script for `node`: the schedule expanded to lists of values, the snapshot
/// directory, ttl and etcdctl's argv written in as quoted shell words.
Result<std::string> render_schedule_script(const config::Cluster& cluster,
                                           const config::Node& node);
/// save.sh, schedule.sh and the dir file on etcd nodes of a cluster with spec.etcdBackup;
/// nothing elsewhere.
Result<std::vector<service::FileToWrite>> render_backup(const stages::PlatformSource& source,
                                                        const config::Node& node);
service::ServiceSpec backup_service_spec();

void plan_backup(const plan::PlanInput& input, const plan::HostContext& host,
                 std::vector<plan::Step>& out);
Result<state::StateChange> apply_backup(const plan::Step& step, stages::StepContext& ctx);

} // namespace acp::etcd
