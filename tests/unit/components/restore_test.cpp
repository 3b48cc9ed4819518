// etcd restore: the plan, the checks of the snapshot's bytes, and the order of the restore
// on three members over recording fake transports whose runit services go up and down: no
// member stops before every member holds the snapshot and a trial restore passed; a failure
// after the stop puts every member's old data dir back.

#include "acpctl/components/etcd/facts.hpp"
#include "acpctl/components/etcd/restore.hpp"
#include "acpctl/transport/fake.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "etcd_cluster.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <memory>
#include <mutex>

using namespace acp;

namespace {

// A node whose acp-etcd goes down and up with sv, and which logs the restore's steps in one
// list shared by all nodes (so the test sees the order across nodes).
class Node : public transport::FakeTransport {
public:
  Node(std::string name, std::vector<std::string>& log, std::mutex& mutex)
      : FakeTransport(name), m_log(log), m_mutex(&mutex) {}
  std::string fail_on; ///< a step that fails here ("restore", "trial")

  Result<transport::CommandResult> run(const transport::Command& c) override {
    const auto& a = c.argv;
    const std::string script = a.size() > 2 && a[0] == "sh" ? a[2] : "";
    const auto has = [&](const char* text) { return script.find(text) != std::string::npos; };
    std::string step = a[0] == "sv" ? "sv " + a[1]
                       : a.size() == 6 && has("exec sv")
                           ? "sv " + std::string(a[5] == "stop" ? "down" : a[5])
                       : has("--data-dir \"$prepared\"")                                 ? "prepare"
                       : has("snapshot status")                                          ? "status"
                       : has("mv -- \"$3\" \"$data\"")                                   ? "swap"
                       : has("mv -- \"$aside\" \"$data\"")                               ? "undo"
                       : a[0] == "rm" && a[3].find(".pre-restore-") != std::string::npos ? "clean"
                       : a[0] == "rm"                                                    ? "discard"
                                                                                         : "";
    if (step == "sv up" || step == "sv down")
      m_up = step == "sv up";
    if (!step.empty() && step != "sv status") {
      std::lock_guard lock(*m_mutex);
      m_log.push_back(host() + " " + step);
    }
    (void)FakeTransport::run(c);
    if (!fail_on.empty() && step == fail_on)
      return transport::CommandResult{1, "", "etcd said no"};
    if (step == "sv status")
      return transport::CommandResult{0,
                                      m_up ? "run: /etc/service/acp-etcd: (pid 7) 1s\n"
                                           : "down: /etc/service/acp-etcd: 1s\n",
                                      ""};
    if (step == "status")
      return transport::CommandResult{
          0, R"({"hash":1,"revision":10042,"totalKey":10001,"totalSize":9})", ""};
    if (a.size() > 2 && a[a.size() - 2] == "endpoint" && a.back() == "status")
      return transport::CommandResult{
          0,
          R"([{"Endpoint":"https://127.0.0.1:2379","Status":{"header":{"cluster_id":1,"member_id":2,"revision":10043,"raft_term":3},"version":"3.4.23","leader":2,"raftTerm":3}}])",
          ""};
    return transport::CommandResult{};
  }

private:
  std::vector<std::string>& m_log;
  std::mutex* m_mutex;
  bool m_up = true;
};

struct Lab {
  config::Cluster cluster = test::three_etcd_nodes();
  std::vector<std::string> log;
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<Node>> nodes;
  std::map<std::string, facts::HostFacts> facts;
  // Its own directory: ctest runs the test cases as parallel processes.
  util::TempDir scratch{"acpctl-restore-test"};
  std::filesystem::path dir = scratch.path();

  Lab() {
    for (const char* n : {"r1", "r2", "r3"}) {
      nodes[n] = std::make_unique<Node>(n, log, mutex);
      facts[n].service_manager = facts::ServiceManagerKind::runit;
    }
  }
  etcd::RestoreNodes access() {
    return {[this](const std::string& n) -> transport::Transport& { return *nodes.at(n); }, &facts,
            nullptr};
  }
  etcd::RestorePlan plan(const std::string& content = "snapshot bytes") {
    const auto file = dir / "snapshot-etcd-20261202-020000-10.0.0.11.db";
    util::write_file_atomic(file, content).take();
    auto source = etcd::checked_source(file.filename().string(), "test", file, "").take();
    return etcd::plan_restore(cluster, source, std::chrono::system_clock::from_time_t(1796176800));
  }
  std::size_t at(const std::string& entry) const {
    const auto it = std::find(log.begin(), log.end(), entry);
    REQUIRE_MESSAGE(it != log.end(), entry);
    return static_cast<std::size_t>(it - log.begin());
  }
};

} // namespace

TEST_SUITE("etcd::restore") {
  TEST_CASE("the plan: every etcd node, a new token, the old data dir kept aside") {
    Lab lab;
    const auto plan = lab.plan();
    REQUIRE(plan.members.size() == 3);
    CHECK(plan.token == "acp-" + lab.cluster.name + "-restore-20261202-020000");
    CHECK(plan.members[1].node == "r2");
    CHECK(plan.members[1].prepared == lab.cluster.etcd.data_dir + ".restore-20261202-020000");
    CHECK(plan.members[1].aside == lab.cluster.etcd.data_dir + ".pre-restore-20261202-020000");
    CHECK(plan.members[1].staged.ends_with("/.restore-snapshot-etcd-20261202-020000-10.0.0.11.db"));
    CHECK(plan.initial_cluster.find("r1=https://") == 0);
    CHECK(plan.initial_cluster.find(",r3=https://") != std::string::npos);
    CHECK(plan.source.sha256 == util::sha256_hex("snapshot bytes"));
    const auto lines = plan.lines();
    CHECK(lines.size() == 1 + 3 + 3 + 3 + 1 + 3);
  }

  TEST_CASE("the members stop only after every one holds the bytes and restored them aside") {
    Lab lab;
    const auto done = etcd::apply_restore(lab.cluster, lab.plan(), lab.access()).take();
    CHECK(done.snapshot_revision == 10042);
    CHECK(done.revision == 10043);
    CHECK(done.keys == 10001);
    for (const auto& [name, node] : lab.nodes)
      CHECK(node->files().at(lab.plan().members[0].staged).content == "snapshot bytes");
    for (const char* n : {"r1", "r2", "r3"})
      for (const char* m : {"r1", "r2", "r3"}) {
        const std::string a = n, b = m;
        CHECK(lab.at(a + " prepare") < lab.at(b + " sv down"));
        CHECK(lab.at(a + " sv down") < lab.at(b + " swap"));
        CHECK(lab.at(a + " swap") < lab.at(b + " sv up"));
        CHECK(lab.at(a + " sv up") < lab.at(b + " clean"));
      }
    CHECK(std::count(lab.log.begin(), lab.log.end(), "r2 undo") == 0);
  }

  TEST_CASE("a snapshot etcd cannot read is refused with every member running") {
    Lab lab;
    lab.nodes["r2"]->fail_on = "prepare";
    const auto r = etcd::apply_restore(lab.cluster, lab.plan(), lab.access());
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::verify);
    CHECK(r.error().host() == "r2");
    CHECK(r.error().hint().find("nothing was stopped") != std::string::npos);
    for (const auto& entry : lab.log)
      CHECK(entry.find("sv down") == std::string::npos);
    for (const char* n : {"r1", "r2", "r3"})
      CHECK(lab.at(std::string(n) + " discard") > lab.at("r2 prepare"));
  }

  TEST_CASE("a failed swap puts every old data dir back and starts the members") {
    Lab lab;
    lab.nodes["r2"]->fail_on = "swap";
    const auto r = etcd::apply_restore(lab.cluster, lab.plan(), lab.access());
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("etcd said no") != std::string::npos);
    CHECK(r.error().hint().find("rolled back") != std::string::npos);
    for (const char* n : {"r1", "r2", "r3"})
      for (const char* m : {"r1", "r2", "r3"}) {
        CHECK(lab.at(std::string(n) + " undo") > lab.at("r2 swap"));
        CHECK(lab.at(std::string(n) + " undo") < lab.at(std::string(m) + " sv up"));
      }
  }

  TEST_CASE("bytes that are not the recorded ones are refused, naming where they came from") {
    Lab lab;
    const auto file = lab.dir / "snapshot-etcd-x.db";
    util::write_file_atomic(file, "flipped").take();
    const auto r =
        etcd::checked_source("snapshot-etcd-x.db", "node r2", file, util::sha256_hex("original"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::verify);
    CHECK(r.error().message().find("node r2") != std::string::npos);
    // Beside a local file, FILE.sha256 is the record.
    util::write_file_atomic(lab.dir / "snapshot-etcd-x.db.sha256",
                            util::sha256_hex("original") + "  snapshot-etcd-x.db\n")
        .take();
    const auto local = etcd::fetch_snapshot(lab.cluster, file.string(), lab.access(), lab.dir);
    REQUIRE_FALSE(local);
    CHECK(local.error().code() == Errc::verify);
    const auto name = etcd::fetch_snapshot(lab.cluster, "latest", lab.access(), lab.dir);
    REQUIRE_FALSE(name);
    CHECK(name.error().code() == Errc::invalid_input);
  }

  TEST_CASE("a snapshot's name never reaches outside the snapshot directory or the S3 prefix") {
    CHECK(etcd::check_snapshot_name("snapshot-etcd-20261202-020000-10.0.0.11.db").ok());
    CHECK(etcd::check_snapshot_name("snapshot-etcd-20261202-020000-fd00::11.db").ok());
    for (const char* bad : {"../../etc/shadow", "snapshot-etcd-a/../../b.db", "snapshot-etcd-.db\n",
                            "snapshot-etcd-$(reboot).db", "snapshot-etcd- x.db", "x.db", ""}) {
      CAPTURE(bad);
      const auto r = etcd::check_snapshot_name(bad);
      REQUIRE_FALSE(r);
      CHECK(r.error().code() == Errc::invalid_input);
    }
    Lab lab;
    const auto r = etcd::fetch_from_node(lab.cluster, "../../etc/shadow", lab.access(), lab.dir);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::invalid_input);
    for (const auto& [name, node] : lab.nodes)
      CHECK(node->calls().empty());
  }

  TEST_CASE("the leader stops after its followers (alone, it does not wait for a transfer)") {
    Lab lab;
    etcd::EtcdFacts leader;
    leader.answered = true;
    leader.status.member_id = 2;
    leader.status.leader = 2;
    etcd::set_facts(lab.facts["r2"], leader);
    etcd::apply_restore(lab.cluster, lab.plan(), lab.access()).take();
    CHECK(lab.at("r1 sv down") < lab.at("r2 sv down"));
    CHECK(lab.at("r3 sv down") < lab.at("r2 sv down"));
  }
}
