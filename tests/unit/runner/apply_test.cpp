// apply_plan over FakeTransport (the Session's Connect seam): the runner's ordering, per-step
// state commits, per-host errors, the lock and dry runs, without SSH.

#include "acpctl/components/registry.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/util/strings.hpp"
#include "apply_fixture.hpp"

#include <doctest/doctest.h>

using namespace acp;
using namespace acp::runner;
using namespace acp::test;

TEST_SUITE("runner::trust") {
  TEST_CASE("an unsigned package is refused before any node is reached") {
    Fixture f(Signing::unsigned_strict);
    REQUIRE_FALSE(f.opened.ok());
    CHECK(f.opened.error().code() == Errc::verify);
    CHECK(f.opened.error().message().find("is not signed") != std::string::npos);
    CHECK(f.nodes.empty());
  }

  TEST_CASE("state.json is written 0600") {
    Fixture f;
    REQUIRE(f.apply(f.plan()).ok());
    for (const auto& [name, node] : f.nodes)
      CHECK(node->files().at(std::string(state::k_state_path)).spec.mode == 0600);
  }

  TEST_CASE("each node's state records the key that verified the package") {
    Fixture f;
    REQUIRE(f.session);
    const auto fingerprint = package::key_fingerprint(f.dir.path() / "release.pub").take();
    REQUIRE(f.apply(f.plan()).ok());
    for (const auto& [name, node] : f.nodes)
      CHECK(node->last_state.find("\"packageTrust\": \"" + fingerprint + "\"") !=
            std::string::npos);
  }

  TEST_CASE("--insecure-skip-signature is recorded in every node's state") {
    Fixture f(Signing::unsigned_insecure);
    REQUIRE(f.session);
    REQUIRE(f.session->trust()->insecure);
    REQUIRE(f.apply(f.plan()).ok());
    for (const auto& [name, node] : f.nodes)
      CHECK(node->last_state.find("\"packageTrust\": \"insecure-skip-signature\"") !=
            std::string::npos);
  }
}

TEST_SUITE("runner::apply") {
  TEST_CASE("runs the stages in order and commits state.json after every step, under the lock") {
    Fixture f;
    const auto p = f.plan();
    REQUIRE(p.steps.size() == 9); // per node: distribute hello, tools; services hello
    const auto report = f.apply(p);
    CHECK(report.ok());
    for (const auto& [name, node] : f.nodes) {
      CAPTURE(name);
      CHECK(f.outcome(report, name).steps_done == 3);
      const auto log = node->log();
      REQUIRE(log.size() > 4);
      CHECK(log.front() == "lock");
      CHECK(log.back() == "unlock");
      CHECK_FALSE(node->lock_file.has_value());
      // Each step is committed (serial + 1) before the next step sends anything.
      CHECK(node->log("commit") == std::vector<std::string>{"commit 1", "commit 2", "commit 3"});
      std::vector<std::string> order;
      for (const auto& l : log)
        if (l.starts_with("commit") || l.starts_with("upload"))
          order.push_back(l);
      CHECK(order ==
            std::vector<std::string>{"upload /opt/acp/components/hello/1.0.0/bin/hello", "commit 1",
                                     "upload /opt/acp/components/tools/1.0.0/bin/tool", "commit 2",
                                     "upload /etc/service/.acp-hello/run",
                                     "upload /etc/service/.acp-hello/log/run", "commit 3"});
      const auto st =
          state::parse_state(node->files().at(std::string(state::k_state_path)).content, name)
              .take();
      CHECK(st.serial == 3);
      REQUIRE(st.find("hello") != nullptr);
      CHECK(st.find("hello")->service_digest == st.find("hello")->digest);
      CHECK(st.find("tools")->service_digest.empty());
    }
    // Stages are barriers: every distribute step finished before any services step started.
    std::vector<std::string> stages;
    std::size_t last_distribute = 0, first_services = SIZE_MAX;
    const auto events = f.events.all();
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].type == EventType::stage_started)
        stages.push_back(events[i].stage);
      if (events[i].type == EventType::step_finished && events[i].stage == "distribute")
        last_distribute = i;
      if (events[i].type == EventType::step_started && events[i].stage == "services")
        first_services = std::min(first_services, i);
    }
    CHECK(stages == std::vector<std::string>{"distribute", "services"});
    CHECK(last_distribute < first_services);
  }

  TEST_CASE("a failing host keeps its error, the others finish the stage, later stages stop") {
    Fixture f;
    f.nodes.at("cp-2")->respond({"mkdir", "-p", "--", "/opt/acp/components/hello/1.0.0"},
                                {1, "", "mkdir: No space left on device\n", {}});
    const auto report = f.apply(f.plan());
    CHECK_FALSE(report.ok());
    const auto& failed = f.outcome(report, "cp-2");
    REQUIRE(failed.error.has_value());
    CHECK(failed.error->host() == "cp-2");
    CHECK(failed.error->message().find("No space left on device") != std::string::npos);
    CHECK(failed.steps_done == 0);
    CHECK(f.nodes.at("cp-2")->log("commit").empty());
    for (const auto* name : {"cp-1", "cp-3"}) {
      CAPTURE(name);
      CHECK_FALSE(f.outcome(report, name).error.has_value());
      CHECK(f.outcome(report, name).steps_done == 2); // both distribute steps, no services
      CHECK(f.nodes.at(name)->log("commit") == std::vector<std::string>{"commit 1", "commit 2"});
    }
    for (const auto& [name, node] : f.nodes) {
      CAPTURE(name);
      CHECK_FALSE(has_line(node->log(), "run sv"));
      CHECK_FALSE(has_line(node->log(), "upload /etc/service/"));
      CHECK(node->log().front() == "lock");
      CHECK(node->log().back() == "unlock");
    }
    bool services_started = false;
    for (const auto& e : f.events.all())
      services_started = services_started || e.stage == "services";
    CHECK_FALSE(services_started);
  }

  TEST_CASE("a node locked by another apply stops everything; the other locks are released") {
    Fixture f;
    f.nodes.at("cp-3")->lock_file =
        owner_to_json({"other-controller", 4321, "77", util::now_rfc3339(), "acpctl apply"});
    const auto r =
        apply_plan(*f.session, f.plan(), f.gathered, f.events, {4, false, false, "acpctl apply"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == Errc::conflict);
    CHECK(r.error().message().find("cp-3 is locked by acpctl apply (pid 4321 on "
                                   "other-controller") != std::string::npos);
    for (const auto& [name, node] : f.nodes) {
      CAPTURE(name);
      CHECK(node->log("commit").empty());
      CHECK(node->log("upload").empty());
      CHECK(node->log("lock").size() == 1);
      CHECK(node->log("unlock").size() == (name == "cp-3" ? 0u : 1u));
      CHECK(node->lock_file.has_value() == (name == "cp-3")); // only the other apply's is left
    }
  }

  TEST_CASE("a dry run sends nothing and takes no lock, and reports every step") {
    Fixture f;
    const auto report = f.apply(f.plan(), true);
    CHECK(report.ok());
    for (const auto& [name, node] : f.nodes) {
      CAPTURE(name);
      CHECK(f.outcome(report, name).steps_done == 3);
      CHECK(node->log().empty());
      CHECK(node->files().empty());
    }
  }

  TEST_CASE("--parallel 1 runs one host at a time, in config order, each in its step order") {
    Fixture f;
    const auto report =
        apply_plan(*f.session, f.plan(), f.gathered, f.events, {1, false, false, "acpctl apply"})
            .take();
    CHECK(report.ok());
    std::vector<std::string> started;
    for (const auto& e : f.events.all())
      if (e.type == EventType::step_started)
        started.push_back(e.host + " " + e.stage + " " + e.step);
    CHECK(started ==
          std::vector<std::string>{"cp-1 distribute create hello", "cp-1 distribute create tools",
                                   "cp-2 distribute create hello", "cp-2 distribute create tools",
                                   "cp-3 distribute create hello", "cp-3 distribute create tools",
                                   "cp-1 services create hello", "cp-2 services create hello",
                                   "cp-3 services create hello"});
  }
}

TEST_SUITE("runner::reset") {
  TEST_CASE("the reset plan removes every recorded component and record in the removal stage") {
    Fixture f;
    REQUIRE(f.apply(f.plan()).ok());
    for (auto& [name, facts] : f.gathered.facts)
      facts.state = state::parse_state(f.nodes.at(name)->last_state, name).take();
    f.gathered.facts["cp-1"].state.platform["pki"] = state::PlatformRecord{};
    const auto plan = reset_plan(*f.session, f.gathered, {"cp-1"});
    REQUIRE(plan.steps.size() == 3); // the pki record, hello, tools
    for (const auto& s : plan.steps) {
      CHECK(s.stage == "prune");
      CHECK(s.host == "cp-1");
    }
    CHECK(plan.steps[0].params_as<stages::RecordParams>()->record == "pki");
    const auto report = f.apply(plan);
    REQUIRE(report.ok());
    CHECK(f.outcome(report, "cp-1").steps_done == 3);
    CHECK(has_line(f.nodes.at("cp-1")->log(), "/opt/acp/components/hello"));
  }

  TEST_CASE("reset removes the log directories of the services recorded in state.json only") {
    Fixture f;
    auto& st = f.gathered.facts["cp-1"].state;
    st.components["hello"] = {"hello", "1.0.0", "sha256:h", {}, "hello", {}, "t", "sha256:h"};
    st.components["tools"] = {"tools", "1.0.0", "sha256:t", {}, "", {}, "t", ""};
    st.components["evil"] = {"evil", "1", "sha256:e", {}, "../../etc", {}, "t", ""};
    const auto errors =
        finish_reset(*f.session, {"cp-1", "cp-2"}, f.gathered, {4, false, false, "acpctl reset"});
    CHECK(errors.empty());
    const auto removal = "run sh -c " + std::string(util::k_remove_tree_script);
    const auto cp1 = f.nodes.at("cp-1")->log(removal);
    const std::vector<std::string> hello{"/var/log/acp/hello"};
    CHECK(cp1 == std::vector<std::string>{
                     "run " + util::join(util::remove_tree_argv("/var/log/acp", hello), " ")});
    CHECK(has_line(f.nodes.at("cp-1")->log(), "rmdir --ignore-fail-on-non-empty"));
    CHECK(has_line(f.nodes.at("cp-1")->log(), "run rm -f -- /var/lib/acp/state.json"));
    // cp-2 recorded no services: nothing under /var/log is touched there.
    CHECK(f.nodes.at("cp-2")->log(removal).empty());
    CHECK_FALSE(has_line(f.nodes.at("cp-2")->log(), "/var/log/acp"));
  }
}

TEST_SUITE("runner::plan") {
  TEST_CASE("a plan with changes probes the peers; a cut path fails preflight on that node") {
    Fixture f;
    const auto recorded =
        util::read_file(std::string(ACPCTL_SOURCE_DIR) + "/tests/data/facts/lab-runit-amd64.txt")
            .take();
    for (const auto& n : f.session->cluster().nodes) {
      // The recorded lab host, as this node: its name, its address, the clock now.
      auto text = recorded;
      text.replace(text.find("\nn1\n"), 4, "\n" + n.name + "\n");
      text.replace(text.find("10.88.0.11/24"), 13, n.address + "/24");
      const auto clock = text.find("@@acp-facts clock\n") + 18;
      text.replace(clock, text.find('\n', clock) - clock, std::to_string(std::time(nullptr)));
      auto* node = f.nodes.at(n.name);
      node->respond({"sh", "-c", facts::script(acp::components::registry().probes())},
                    {0, text, "", {}});
      // Every peer answers (22 open, 2380 refused) except cp-1 seen from cp-3.
      node->respond({"bash", "-c", std::string(preflight::k_reach_script)},
                    {0,
                     n.name == "cp-3"
                         ? "@@reach 0 failed No route to host\n@@reach 1 failed No "
                           "route to host\n@@reach 2 open\n@@reach 3 failed Connection "
                           "refused\n@@reach end\n"
                         : "@@reach 0 open\n@@reach 1 failed Connection refused\n"
                           "@@reach 2 open\n@@reach 3 failed Connection refused\n"
                           "@@reach end\n",
                     "",
                     {}});
    }
    const auto planned = plan_cluster(*f.session).take();
    CHECK_FALSE(planned.plan.has_value());
    REQUIRE(planned.reports.size() == 3);
    CHECK(planned.reports[0].ok());
    CHECK(planned.reports[1].ok());
    REQUIRE(planned.reports[2].problems.size() == 1);
    CHECK(planned.reports[2].problems[0].message ==
          "cannot reach cp-1 (192.168.10.11) on TCP 22 (ssh), 2380 (etcd peer): No route to host");
    for (const auto& [name, node] : f.nodes)
      CHECK(node->log("run bash -c").size() == 1);
  }
}
