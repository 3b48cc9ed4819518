// Stage "etcd-backup": the scheduler of etcd snapshots on the etcd nodes. The schedule is
// parsed here (util::parse_cron) and written into the script as lists of values, so the
// script on the node only tests membership: no cron parser in shell.

#include "acpctl/components/etcd/backup.hpp"

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/components/etcd/snapshot.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/util/cron.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/shell.hpp"
#include "save_script.hpp"

#include <fmt/format.h>

namespace acp::etcd {

namespace {

// Every minute: when the node's local time matches the schedule (and this minute has not
// run yet), take a snapshot with save.sh. A failed save is logged and retried at the next
// matching minute; the scheduler itself keeps running.
constexpr const char* k_loop = R"SH(
one_of() { case "$2" in *" $1 "*) return 0 ;; esac; return 1; }
due() {
  one_of "$1" "$minutes" && one_of "$2" "$hours" && one_of "$4" "$months" || return 1
  if [ "$either" = 1 ]; then one_of "$3" "$days" || one_of "$5" "$weekdays"
  else one_of "$3" "$days" && one_of "$5" "$weekdays"; fi
}
last=
while :; do
  set -- $(date +'%M %H %d %m %w %Y%m%d%H%M')
  if [ "$6" != "$last" ] && due "${1#0}" "${2#0}" "${3#0}" "${4#0}" "$5"; then
    last=$6
    name="snapshot-etcd-$(date -u +%Y%m%d-%H%M%S)-$address.db"
    if out=$(snapshot "$name" 2>&1); then
      echo "etcd snapshot $dir/$name: $out"
    else
      echo "etcd snapshot $name failed: $out" >&2
    fi
  fi
  s=$(date +%S)
  sleep $((61 - ${s#0}))
done
)SH";

std::string var(const char* name, const std::string& value) {
  return fmt::format("{}={}\n", name, util::shell_quote(value));
}

} // namespace

Result<std::string> render_schedule_script(const config::Cluster& cluster,
                                           const config::Node& node) {
  const auto& backup = *cluster.etcd_backup;
  auto cron = util::parse_cron(backup.schedule);
  if (!cron)
    return Error(std::move(cron).error()).at(cluster.where("spec.etcdBackup.schedule"));
  auto ttl = ttl_minutes(cluster);
  if (!ttl)
    return std::move(ttl).error();
  std::string out = fmt::format("#!/bin/sh\n# Scheduled etcd snapshots, written by acpctl from "
                                "spec.etcdBackup (schedule {}).\nset -u\n",
                                util::shell_quote(backup.schedule));
  out += var("dir", snapshot_dir(cluster)) + var("ttl", std::to_string(*ttl)) +
         var("address", node.address) + var("minutes", util::cron_values(cron->minutes)) +
         var("hours", util::cron_values(cron->hours)) + var("days", util::cron_values(cron->days)) +
         var("months", util::cron_values(cron->months)) +
         var("weekdays", util::cron_values(cron->weekdays)) +
         var("either", cron->days_restricted && cron->weekdays_restricted ? "1" : "0");
  const auto argv = etcdctl({local_client_url(cluster)}, {});
  // save.sh takes etcdctl's argv after the ttl.
  out += "snapshot() { /bin/sh " + std::string(k_backup_dir) +
         "/save.sh \"$dir\" \"$1\" \"$ttl\" " + util::shell_join(argv) + "; }\n";
  return out + k_loop;
}

Result<std::vector<service::FileToWrite>> render_backup(const stages::PlatformSource& source,
                                                        const config::Node& node) {
  std::vector<service::FileToWrite> out;
  const auto& cluster = source.cluster;
  if (!cluster.etcd_backup || !node.has_role(config::Role::etcd))
    return out;
  auto script = render_schedule_script(cluster, node);
  if (!script)
    return std::move(script).error();
  out.push_back({std::string(k_backup_dir) + "/save.sh", detail::k_save_script, 0755});
  out.push_back({std::string(k_backup_dir) + "/schedule.sh", std::move(*script), 0755});
  out.push_back({k_backup_dir_file, snapshot_dir(cluster) + "\n", 0644});
  return out;
}

service::ServiceSpec backup_service_spec() {
  service::ServiceSpec spec;
  spec.name = k_backup;
  spec.command = {"/bin/sh", std::string(k_backup_dir) + "/schedule.sh"};
  spec.restart = service::RestartPolicy::always;
  return spec;
}

} // namespace acp::etcd
