// Scheduled etcd snapshots: the scheduler's files, its shell test of the schedule (run here
// with /bin/sh, as the node runs it), the facts of the newest snapshot and the status line
// that flags a schedule that stopped producing snapshots.

#include "acpctl/components/etcd/backup.hpp"
#include "acpctl/components/etcd/facts.hpp"
#include "acpctl/components/etcd/status.hpp"
#include "acpctl/components/registry.hpp"
#include "acpctl/facts/gather.hpp"
#include "acpctl/util/fs.hpp"
#include "etcd_cluster.hpp"

#include <cstdio>
#include <doctest/doctest.h>
#include <filesystem>
#include <fmt/format.h>

using namespace acp;

namespace {

config::Cluster with_backup(const std::string& schedule) {
  auto c = test::example_cluster();
  c.etcd_backup = config::EtcdBackup{};
  c.etcd_backup->schedule = schedule;
  return c;
}

const config::Node& etcd_node(const config::Cluster& c) {
  return *c.nodes_with(config::Role::etcd).front();
}

// Runs the script's schedule test (everything before its loop) for one minute.
bool due(const std::string& script, const std::string& minute) {
  const util::TempDir dir{"acpctl-due-test"}; // ctest runs test cases as parallel processes
  const auto path = dir.path() / "due.sh";
  util::write_file_atomic(path, script.substr(0, script.find("last=")) + "due " + minute + "\n")
      .take();
  const int rc = std::system(("sh " + path.string() + " >/dev/null 2>&1").c_str());
  return rc == 0;
}

// A healthy 3-member cluster recorded from real etcd 3.4 (tests/data/etcd), r1 with a
// snapshot `age` seconds old in its snapshot directory.
std::map<std::string, facts::HostFacts> snapshot_facts(long long age) {
  std::map<std::string, facts::HostFacts> out;
  for (const char* node : {"r1", "r2", "r3"}) {
    auto text = util::read_file(std::filesystem::path(ACPCTL_SOURCE_DIR) / "tests/data/etcd" /
                                (std::string("healthy-") + node + ".txt"))
                    .take();
    if (std::string(node) == "r1")
      text.insert(text.find("@@acp-facts end"),
                  fmt::format("@@acp-facts etcd-snapshot\n1000000\n{} "
                              "snapshot-etcd-20261202-020000-10.0.0.11.db\n",
                              1000000 - age));
    out[node] = facts::parse_facts(text, node, components::registry().probes()).take();
  }
  return out;
}

} // namespace

TEST_SUITE("etcd::backup") {
  TEST_CASE("etcd nodes get save.sh, the scheduler and the directory; other nodes nothing") {
    const auto c = with_backup("*/15 2 * * 1-5");
    const stages::PlatformSource source{c};
    const auto files = etcd::render_backup(source, etcd_node(c)).take();
    REQUIRE(files.size() == 3);
    CHECK(files[0].path == "/etc/acp/etcd/backup/save.sh");
    CHECK(files[0].content.find("snapshot save") != std::string::npos);
    CHECK(files[1].content.find("minutes=' 0 15 30 45 '") != std::string::npos);
    CHECK(files[1].content.find("either=0") != std::string::npos);
    CHECK(files[1].content.find("etcd/backup/save.sh \"$dir\" \"$1\" \"$ttl\" ") !=
          std::string::npos);
    CHECK(files[2].content == c.etcd_backup->local_path + "\n");
    config::Node worker = etcd_node(c);
    worker.roles = {config::Role::worker};
    CHECK(etcd::render_backup(source, worker).take().empty());
    auto none = c;
    none.etcd_backup.reset();
    CHECK(etcd::render_backup(stages::PlatformSource{none}, etcd_node(none)).take().empty());
  }

  TEST_CASE("the scheduler's shell test fires on the minutes cron fires on") {
    const auto c = with_backup("*/15 2 * * 1-5");
    const auto script = etcd::render_schedule_script(c, etcd_node(c)).take();
    // due MINUTE HOUR DAY MONTH WEEKDAY, as `date` gives them with leading zeros dropped.
    CHECK(due(script, "0 2 2 12 3"));
    CHECK(due(script, "45 2 2 12 3"));
    CHECK_FALSE(due(script, "5 2 2 12 3"));
    CHECK_FALSE(due(script, "0 3 2 12 3"));
    CHECK_FALSE(due(script, "0 2 6 12 0"));
    const auto either = with_backup("0 0 1 * mon");
    const auto s2 = etcd::render_schedule_script(either, etcd_node(either)).take();
    CHECK(due(s2, "0 0 1 12 2"));
    CHECK(due(s2, "0 0 7 12 1"));
    CHECK_FALSE(due(s2, "0 0 2 12 3"));
  }

  TEST_CASE("status shows the newest snapshot's age and flags one older than two periods") {
    const auto c = test::three_etcd_nodes(with_backup("0 2 * * *"));
    auto fresh = snapshot_facts(3 * 3600);
    const auto* e = etcd::facts_of(fresh.at("r1"));
    REQUIRE(e);
    REQUIRE(e->last_snapshot);
    CHECK(e->last_snapshot->age_seconds == 3 * 3600);
    CHECK(e->last_snapshot->name == "snapshot-etcd-20261202-020000-10.0.0.11.db");
    auto line = etcd::cluster_status(c, fresh);
    REQUIRE(line);
    CHECK(line->ok);
    CHECK(line->text.find("quorum") != std::string::npos);
    CHECK(line->text.find("last snapshot 3h ago") != std::string::npos);
    CHECK(line->json["lastSnapshot"]["stale"] == false);
    CHECK(line->json["lastSnapshot"]["periodSeconds"] == 86400);
    line = etcd::cluster_status(c, snapshot_facts(3 * 86400));
    REQUIRE(line);
    CHECK(line->text.find("last snapshot 3d ago (STALE: schedule 0 2 * * * runs every 1d)") !=
          std::string::npos);
    CHECK_FALSE(line->ok);
    CHECK(line->exit_code == 0);
  }
}
