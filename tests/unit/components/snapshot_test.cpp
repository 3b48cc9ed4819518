// etcd snapshots, the pure parts: the name, the ttl, the member a snapshot is taken from
// (facts recorded from a real etcd 3.4 cluster, tests/data/etcd) and the list parser.

#include "acpctl/components/etcd/facts.hpp"
#include "acpctl/components/etcd/snapshot.hpp"
#include "acpctl/components/registry.hpp"
#include "acpctl/facts/gather.hpp"
#include "acpctl/transport/fake.hpp"
#include "acpctl/util/fs.hpp"
#include "etcd_cluster.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fmt/format.h>
#include <memory>

using namespace acp;

namespace {

std::map<std::string, facts::HostFacts> recorded(const std::string& prefix) {
  std::map<std::string, facts::HostFacts> out;
  for (const char* node : {"r1", "r2", "r3"}) {
    const auto file = std::filesystem::path(ACPCTL_SOURCE_DIR) / "tests/data/etcd" /
                      (prefix + "-" + node + ".txt");
    if (!std::filesystem::exists(file))
      continue;
    out[node] =
        facts::parse_facts(util::read_file(file).take(), node, components::registry().probes())
            .take();
  }
  return out;
}

} // namespace

TEST_SUITE("etcd::snapshot") {
  TEST_CASE("the name carries the UTC time and the node's address") {
    const auto at = std::chrono::system_clock::from_time_t(1764661500); // 2025-12-02 07:45:00Z
    CHECK(etcd::snapshot_name(at, "10.88.0.12") == "snapshot-etcd-20251202-074500-10.88.0.12.db");
  }

  TEST_CASE("ttl is whole days, hours or minutes") {
    auto c = test::three_etcd_nodes();
    c.etcd_backup = config::EtcdBackup{};
    CHECK(etcd::ttl_minutes(c).take() == 7 * 24 * 60);
    c.etcd_backup->ttl = "12h";
    CHECK(etcd::ttl_minutes(c).take() == 720);
    c.etcd_backup->ttl = "30m";
    CHECK(etcd::ttl_minutes(c).take() == 30);
    for (const char* bad : {"", "7", "d", "-1d", "1.5d", "0h", "7w", "99999999d"}) {
      CAPTURE(bad);
      c.etcd_backup->ttl = bad;
      const auto r = etcd::ttl_minutes(c);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().hint().find("7d, 12h, 30m") != std::string::npos);
    }
  }

  TEST_CASE("taken from a healthy follower, never the leader while a follower is healthy") {
    const auto facts = recorded("healthy");
    REQUIRE(facts.size() == 3);
    const auto* r2 = etcd::facts_of(facts.at("r2"));
    REQUIRE(r2 != nullptr);
    REQUIRE(r2->leader()); // the recording's leader
    const auto source = etcd::snapshot_source(test::three_etcd_nodes(), facts);
    REQUIRE(source.ok());
    CHECK(*source != "r2");
  }

  TEST_CASE("without a healthy member: refused, saying why") {
    const auto none = etcd::snapshot_source(test::three_etcd_nodes(), {});
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().message() == "this cluster has no etcd member yet");
    const auto lost = etcd::snapshot_source(test::three_etcd_nodes(), recorded("quorumlost"));
    REQUIRE_FALSE(lost.ok());
    CHECK(lost.error().message().find("no etcd member is up and healthy") != std::string::npos);
  }

  TEST_CASE("the list's lines: digest ok only when the recorded sha256 matches") {
    const std::string a(64, 'a'), b(64, 'b');
    const auto list = etcd::parse_snapshot_list(
        "snapshot-etcd-20261202-074500-10.88.0.12.db 20512 1764661500 " + a + " " + a + "\n" +
            "snapshot-etcd-20261201-074500-10.88.0.12.db 20480 1764575100 " + a + " " + b + "\n" +
            "snapshot-etcd-20261130-074500-10.88.0.12.db 10 1764488700 - " + b + "\n" +
            "garbage line\n",
        "r2");
    REQUIRE(list.size() == 3);
    CHECK(list[0].node == "r2");
    CHECK(list[0].size == 20512);
    CHECK(list[0].modified == 1764661500);
    CHECK(list[0].digest_ok());
    CHECK(list[0].digest_state() == "ok");
    CHECK_FALSE(list[1].digest_ok());
    CHECK(list[1].damaged());
    CHECK(list[1].digest_state() == "mismatch");
    CHECK(list[2].recorded_sha256.empty());
    CHECK_FALSE(list[2].digest_ok());
    CHECK_FALSE(list[2].damaged());
    CHECK(list[2].digest_state() == "unrecorded");
  }

  TEST_CASE("the quick source: a follower that knows its leader, by each member's own status") {
    const auto c = test::three_etcd_nodes();
    std::map<std::string, std::unique_ptr<transport::FakeTransport>> nodes;
    const auto status = [](int member, int leader) {
      return transport::CommandResult{
          0,
          fmt::format(
              R"([{{"Endpoint":"https://127.0.0.1:2379","Status":{{"header":{{"cluster_id":9,)"
              R"("member_id":{},"revision":5,"raft_term":2}},"version":"3.4.23",)"
              R"("leader":{},"raftTerm":2}}}}])",
              member, leader),
          ""};
    };
    for (int i = 1; i <= 3; ++i)
      nodes["r" + std::to_string(i)] =
          std::make_unique<transport::FakeTransport>("r" + std::to_string(i));
    const auto pick = [&] {
      return etcd::quick_snapshot_source(
          c, [&](const std::string& n) -> transport::Transport& { return *nodes.at(n); });
    };
    nodes["r1"]->respond({etcd::k_etcdctl}, status(1, 1));
    nodes["r2"]->respond({etcd::k_etcdctl}, status(2, 1));
    nodes["r3"]->respond({etcd::k_etcdctl}, status(3, 1));
    CHECK(pick() == std::optional<std::string>("r2"));
    nodes["r2"]->fail({etcd::k_etcdctl}, Error(Errc::connect, "down"));
    CHECK(pick() == std::optional<std::string>("r3"));
    nodes["r3"]->respond({etcd::k_etcdctl}, status(3, 0)); // no leader known: not a source
    CHECK(pick() == std::optional<std::string>("r1"));
    nodes["r1"]->respond({etcd::k_etcdctl}, status(1, 0));
    CHECK_FALSE(pick().has_value());
  }
}
