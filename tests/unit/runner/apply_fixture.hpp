#pragma once
// apply_plan's test fixture: a signed package built in a scratch dir, the example cluster,
// one recording FakeTransport per node (it also plays the node's apply lock) and a Progress
// that records every event. Shared by the runner tests and the toy component's test.

#include "acpctl/components/registry.hpp"
#include "acpctl/config/load.hpp"
#include "acpctl/facts/gather.hpp"
#include "acpctl/package/build.hpp"
#include "acpctl/package/sign.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/preflight/reach.hpp"
#include "acpctl/runner/apply.hpp"
#include "acpctl/runner/reset.hpp"
#include "acpctl/transport/fake.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/shell.hpp"
#include "acpctl/util/strings.hpp"
#include "runner/lock_owner.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <mutex>
#include <sstream>

namespace acp::test {

using namespace acp::runner;

inline constexpr const char* k_definition = R"(apiVersion: acpctl.alauda.io/v1alpha1
kind: Package
metadata:
  name: core
spec:
  type: core
  version: "1.0.0"
  arch: amd64
  lifecycle: core
  platformVersions: [">=4.0 <4.1"]
  components:
    - name: hello
      version: "1.0.0"
      files:
        - path: components/hello/bin/hello
          mode: "0755"
      service:
        command: [bin/hello]
        user: root
        restart: always
    - name: tools
      version: "1.0.0"
      files:
        - path: components/tools/bin/tool
          mode: "0755"
)";

// A FakeTransport that also keeps one ordered log of commands and uploads (with the serial of
// each state.json it receives) and plays the node's apply lock file for the lock scripts.
class Node : public transport::FakeTransport {
public:
  explicit Node(std::string host) : FakeTransport(std::move(host)) {}

  Result<transport::CommandResult> run(const transport::Command& command) override {
    const auto& a = command.argv;
    const auto script = a.size() > 2 && a[0] == "sh" ? a[2] : std::string();
    if (script.find("set -C") != std::string::npos) { // create the lock unless it exists
      note("lock");
      std::lock_guard lock(m_lock_mutex);
      if (lock_file)
        return transport::CommandResult{3, *lock_file, "", {}};
      lock_file = std::string(std::istreambuf_iterator<char>(*command.stdin_stream), {});
      return transport::CommandResult{};
    }
    if (script.starts_with("[ -e \"$1\" ] || exit 3; cat")) { // read the lock
      std::lock_guard lock(m_lock_mutex);
      return lock_file ? transport::CommandResult{0, *lock_file, "", {}}
                       : transport::CommandResult{3, "", "", {}};
    }
    if (script.find("rm -f -- \"$1\"") != std::string::npos) { // remove it if it is ours
      note("unlock");
      std::lock_guard lock(m_lock_mutex);
      if (lock_file && util::trim(*lock_file) != util::trim(a.at(5)))
        return transport::CommandResult{3, "", "", {}};
      lock_file.reset();
      return transport::CommandResult{};
    }
    note("run " + util::join(a, " "));
    return FakeTransport::run(command);
  }

  Result<transport::UploadResult> upload(std::istream& data, const std::string& remote_path,
                                         const transport::FileSpec& spec) override {
    std::string content(std::istreambuf_iterator<char>(data), {});
    if (remote_path == state::k_state_path) {
      note("commit " + std::to_string(state::parse_state(content, host()).take().serial));
      std::lock_guard lock(m_log_mutex);
      last_state = content;
    } else
      note("upload " + remote_path);
    std::istringstream in(content);
    return FakeTransport::upload(in, remote_path, spec);
  }

  std::vector<std::string> log() const {
    std::lock_guard lock(m_log_mutex);
    return m_log;
  }
  /// The log lines that start with `prefix`.
  std::vector<std::string> log(const std::string& prefix) const {
    std::vector<std::string> out;
    for (const auto& l : log())
      if (l.starts_with(prefix))
        out.push_back(l);
    return out;
  }
  std::optional<std::string> lock_file; ///< /var/lib/acp/apply.lock's content, if it exists
  std::string last_state;               ///< the last state.json committed

private:
  std::mutex m_lock_mutex;
  void note(std::string line) {
    std::lock_guard lock(m_log_mutex);
    m_log.push_back(std::move(line));
  }
  mutable std::mutex m_log_mutex;
  std::vector<std::string> m_log;
};

// Records every progress event in order.
class Events : public Progress {
public:
  void emit(const Event& e) override {
    std::lock_guard lock(m_mutex);
    m_events.push_back(e);
  }
  std::vector<Event> all() const {
    std::lock_guard lock(m_mutex);
    return m_events;
  }

private:
  mutable std::mutex m_mutex;
  std::vector<Event> m_events;
};

// How the fixture's package is signed and trusted.
enum class Signing { signed_with_key, unsigned_insecure, unsigned_strict };

struct Fixture {
  util::TempDir dir{"runner-apply-test"};
  std::map<std::string, Node*> nodes; // owned by the session
  std::optional<Session> session;
  Result<Session> opened = Error(Errc::failed, "not opened");
  facts::Gathered gathered;
  Events events;

  explicit Fixture(Signing signing = Signing::signed_with_key,
                   const stages::Registry* registry = nullptr) {
    const auto def = dir.path() / "def";
    std::filesystem::create_directories(def / "components/hello/bin");
    std::filesystem::create_directories(def / "components/tools/bin");
    util::write_file_atomic(def / "package.yaml", k_definition).take();
    util::write_file_atomic(def / "components/hello/bin/hello", "#!/bin/sh\nexec sleep 1000\n")
        .take();
    util::write_file_atomic(def / "components/tools/bin/tool", "#!/bin/sh\necho tool\n").take();
    package::generate_key_pair(dir.path() / "release").take();
    std::optional<std::filesystem::path> sign_key;
    if (signing == Signing::signed_with_key)
      sign_key = dir.path() / "release.key";
    const auto built = package::build({def, dir.path(), std::nullopt, 0, sign_key}).take();
    util::write_file_atomic(dir.path() / "cluster.yaml", config::example_config()).take();
    // Trusted keys are recorded under ACPCTL_HOME: keep them in the scratch dir.
    ::setenv("ACPCTL_HOME", (dir.path() / "home").c_str(), 1);
    SessionOptions so;
    so.config = dir.path() / "cluster.yaml";
    so.package = built.package;
    so.parallel = 4;
    so.registry = registry;
    if (signing != Signing::unsigned_insecure)
      so.public_key = dir.path() / "release.pub";
    so.insecure_skip_signature = signing == Signing::unsigned_insecure;
    opened = Session::open(so, [this](const config::Node& n) {
      auto t = std::make_unique<Node>(n.name);
      t->respond({"sv", "status"}, {0, "run: /etc/service/acp-hello: (pid 42) 1s\n", "", {}});
      nodes[n.name] = t.get();
      return t;
    });
    if (!opened)
      return;
    session.emplace(std::move(opened).take());
    for (const auto& n : session->cluster().nodes) {
      facts::HostFacts f;
      f.hostname = n.name;
      f.arch = "amd64";
      f.service_manager = facts::ServiceManagerKind::runit;
      gathered.facts[n.name] = f;
      session->node(n.name); // create the fakes up front so tests can script them
    }
  }

  plan::Plan plan() {
    return session->registry()
        .plan({session->cluster(), session->desired(), gathered.facts, session->config_digest(),
               session->package_digest()})
        .take();
  }

  ApplyReport apply(const plan::Plan& p, bool dry_run = false) {
    return apply_plan(*session, p, gathered, events, {4, dry_run, false, "acpctl apply"}).take();
  }

  const HostOutcome& outcome(const ApplyReport& r, const std::string& host) {
    for (const auto& h : r.hosts)
      if (h.host == host)
        return h;
    FAIL("no outcome for " << host);
    return r.hosts.front();
  }
};

inline bool has_line(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines)
    if (l.find(needle) != std::string::npos)
      return true;
  return false;
}

} // namespace acp::test
