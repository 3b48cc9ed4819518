#include "acpctl/state/node_state.hpp"

#include <doctest/doctest.h>

using namespace acp::state;

namespace {
InstalledComponent etcd(const std::string& version) {
  return {"etcd",
          version,
          "sha256:e" + version,
          {{"/opt/acp/components/etcd/" + version + "/etcd", "ab"}},
          "etcd",
          {2379, 2380},
          "2026-11-27T12:00:00Z",
          "sha256:e" + version};
}
} // namespace

TEST_SUITE("state::node_state") {
  TEST_CASE("components live side by side by version with a current link") {
    CHECK(component_dir("etcd", "3.5.16") == "/opt/acp/components/etcd/3.5.16");
    CHECK(current_link("etcd") == "/opt/acp/components/etcd/current");
    CHECK(k_state_path == "/var/lib/acp/state.json");
  }

  TEST_CASE("every commit bumps the serial") {
    NodeState s;
    s = commit(s, StateChange::put(etcd("3.5.15")));
    CHECK(s.serial == 1);
    s = commit(s, StateChange::put(etcd("3.5.16")));
    CHECK(s.serial == 2);
    CHECK(s.find("etcd")->version == "3.5.16");
    s = commit(s, StateChange::remove("etcd"));
    CHECK(s.serial == 3);
    CHECK(s.find("etcd") == nullptr);
    s = commit(s, StateChange::remove("absent"));
    CHECK(s.serial == 4);
  }

  TEST_CASE("state.json text reads back identical") {
    auto s = commit(NodeState{}, StateChange::put(etcd("3.5.16")));
    const auto text = to_text(s);
    CHECK(text.ends_with("}\n"));
    const auto back = parse_state(text, "n1");
    REQUIRE(back.ok());
    CHECK(*back == s);
  }

  TEST_CASE("a corrupt state.json names the host and the file and says what to do") {
    for (const char* text : {"{\"schema\": 1, \"serial\": ", "[1,2]",
                             "{\"schema\": 1, \"serial\": \"x\", \"components\": {}}",
                             "{\"schema\": 1, \"serial\": 2, \"components\": {\"etcd\": {}}}"}) {
      CAPTURE(text);
      const auto r = parse_state(text, "cp-2");
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code() == acp::Errc::invalid_input);
      CHECK(r.error().host() == "cp-2");
      CHECK(r.error().message().find("/var/lib/acp/state.json is corrupt") != std::string::npos);
      CHECK(r.error().hint().find("move it away") != std::string::npos);
    }
  }

  TEST_CASE("a state.json from a newer acpctl asks for an upgrade") {
    const auto r = parse_state(R"({"schema": 99, "serial": 1, "components": {}})", "cp-1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().host() == "cp-1");
    CHECK(r.error().message().find("schema 99") != std::string::npos);
    CHECK(r.error().hint().find("upgrade acpctl") != std::string::npos);
  }

  TEST_CASE("platform records: schema 2 while there are any, schema 1 text unchanged without") {
    auto s = commit(NodeState{}, StateChange::put(etcd("3.5.16")));
    const auto v1 = to_text(s);
    CHECK(v1.find("\"schema\": 1") != std::string::npos);
    CHECK(v1.find("platform") == std::string::npos);
    PlatformRecord r{"etcd",
                     "sha256:d",
                     {{"/etc/acp/etcd/etcd.conf.yml", "ab"}},
                     {"/etc/acp/etcd", "/var/lib/etcd"},
                     "etcd",
                     {2379, 2380},
                     "t"};
    s = commit(s, StateChange::put_record(r));
    CHECK(s.schema == 2);
    const auto back = parse_state(to_text(s), "n1").take();
    CHECK(back == s);
    CHECK(back.find_record("etcd")->dirs.size() == 2);
    s = commit(s, StateChange::remove_records({"etcd"}));
    CHECK(s.schema == 1);
    CHECK(to_text(s).find("platform") == std::string::npos);
    s = commit(s, StateChange::nothing());
    CHECK(s.serial == 4);
  }

  TEST_CASE("a schema 1 state.json from an older acpctl still reads") {
    const auto s = parse_state(R"({"schema": 1, "serial": 5, "components": {"demo": {"version":
      "1.2.3", "digest": "sha256:x", "files": [], "service": "demo", "ports": [],
      "installedAt": "t"}}})",
                               "n1")
                       .take();
    CHECK(s.serial == 5);
    CHECK(s.platform.empty());
  }

  TEST_CASE("releases: schema 3, read back identical; the previous release and a bounded "
            "history") {
    auto s = commit(NodeState{}, StateChange::put(etcd("3.5.16")));
    CHECK(s.schema == 1);
    auto c = etcd("3.5.17");
    c.content_digest = "sha256:c";
    c.release = "4.0.1";
    c.service_spec = {{"name", "etcd"}};
    c.previous = PreviousVersion{"3.5.16", "sha256:e3.5.16", "", {}, {}, "4.0.0"};
    s = commit(s, StateChange::put(c));
    CHECK(s.schema == 3);
    const Release r0{"core", "4.0.0", "core", "4.0.0", "sha256:r0", "t0"};
    const Release r1{"core", "4.0.1", "patch", "4.0.0", "sha256:r1", "t1"};
    s = commit(s, StateChange::put_release(r0, {"t0", "install", "", "4.0.0", ""}));
    CHECK_FALSE(s.previous_release);
    s = commit(s, StateChange::put_release(r1, {"t1", "upgrade", "4.0.0", "4.0.1", "snap"}));
    CHECK(s.release == r1);
    CHECK(s.previous_release == r0);
    s = commit(s, StateChange::put_release(r1, {"t2", "upgrade", "4.0.1", "4.0.1", ""}));
    CHECK(s.previous_release == r0); // the same release again does not push r1 aside
    s = commit(s, StateChange::set_journal({{"status", "done"}}));
    const auto back = parse_state(to_text(s), "n1").take();
    CHECK(back == s);
    for (int i = 0; i < 30; ++i)
      s = commit(s, StateChange::put_release(r0, {"t", "rollback", "", "4.0.0", ""}));
    CHECK(s.history.size() == k_history_limit);
  }

  TEST_CASE("a schema 3 state.json is refused by a reader that knows only schema 2") {
    // What an older acpctl does with it: the same check as for any newer schema.
    const auto r = parse_state(R"({"schema": 4, "serial": 1, "components": {}})", "cp-1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("newer than this acpctl understands (3)") != std::string::npos);
  }
}
