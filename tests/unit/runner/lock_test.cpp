#include "acpctl/runner/lock.hpp"
#include "acpctl/transport/local.hpp"
#include "acpctl/util/fs.hpp"
#include "runner/lock_owner.hpp"

#include <ctime>
#include <doctest/doctest.h>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace acp;
using namespace acp::runner;
namespace fs = std::filesystem;

namespace {

/// LocalTransport without sudo, so the tests also run as a normal user; the lock code asks
/// for root on real nodes.
class NoSudo : public transport::Transport {
public:
  NoSudo() : m_inner(transport::make_local_transport("n1")) {}
  const std::string& host() const override { return m_inner->host(); }
  Result<transport::CommandResult> run(const transport::Command& command) override {
    auto copy = command;
    copy.sudo = false;
    return m_inner->run(copy);
  }
  Result<transport::UploadResult> upload(std::istream& data, const std::string& path,
                                         const transport::FileSpec& spec) override {
    return m_inner->upload(data, path, spec);
  }
  Status download(const std::string& path, const fs::path& local, bool sudo) override {
    return m_inner->download(path, local, sudo);
  }

private:
  std::unique_ptr<transport::Transport> m_inner;
};

std::string rfc3339(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

/// A live process that is not this one: PID 1 of this machine (or namespace).
LockOwner live_other() {
  return {local_hostname(), 1, process_start_time(1).value_or("?"), rfc3339(std::time(nullptr)),
          "acpctl apply"};
}

long dead_pid() {
  const pid_t child = ::fork();
  if (child == 0)
    ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

void put_lock(const fs::path& path, const LockOwner& owner) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << owner_to_json(owner);
}

std::optional<LockOwner> lock_on_disk(const fs::path& path) {
  if (!fs::exists(path))
    return std::nullopt;
  return owner_from_json(util::read_file(path).take());
}

struct Fixture {
  util::TempDir dir{"acpctl-lock"};
  fs::path path = dir.path() / "var/lib/acp/apply.lock";
  NoSudo node;
  LockOwner me = this_process("acpctl apply");
};

} // namespace

TEST_SUITE("runner::lock") {
  TEST_CASE("this process is named by hostname, pid and the start time in /proc") {
    const auto me = this_process("acpctl apply");
    CHECK(me.controller == local_hostname());
    CHECK(me.pid == ::getpid());
    CHECK(me.pid_start == process_start_time(::getpid()).value());
    CHECK(parse_rfc3339(me.started_at).has_value());
    CHECK(describe(me).starts_with("acpctl apply (pid "));
  }

  TEST_CASE("acquires a free lock, creating its directory, and records the owner") {
    Fixture f;
    REQUIRE(acquire_lock(f.node, f.me, false, f.path.string()).ok());
    const auto held = lock_on_disk(f.path);
    REQUIRE(held);
    CHECK(same_owner(*held, f.me));
    CHECK(held->command == "acpctl apply");
    CHECK((fs::status(f.path).permissions() & fs::perms::all) == fs::perms(0600));
    // Taking it again is fine for the same owner.
    CHECK(acquire_lock(f.node, f.me, false, f.path.string()).ok());
  }

  TEST_CASE("refuses a lock held by a live apply, naming it and --force-unlock") {
    Fixture f;
    const auto other = live_other();
    put_lock(f.path, other);
    const auto s = acquire_lock(f.node, f.me, false, f.path.string());
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == Errc::conflict);
    CHECK(s.error().message().starts_with("n1 is locked by acpctl apply (pid 1 on "));
    CHECK(s.error().hint().find("--force-unlock") != std::string::npos);
    CHECK(same_owner(*lock_on_disk(f.path), other));
  }

  TEST_CASE("takes over a lock whose process is gone") {
    Fixture f;
    auto dead = live_other();
    dead.pid = dead_pid();
    put_lock(f.path, dead);
    REQUIRE(acquire_lock(f.node, f.me, false, f.path.string()).ok());
    CHECK(same_owner(*lock_on_disk(f.path), f.me));
  }

  TEST_CASE("takes over a lock whose pid now belongs to another process") {
    Fixture f;
    auto reused = live_other();
    reused.pid_start = "1";
    put_lock(f.path, reused);
    REQUIRE(acquire_lock(f.node, f.me, false, f.path.string()).ok());
    CHECK(same_owner(*lock_on_disk(f.path), f.me));
  }

  TEST_CASE("trusts another controller's lock unless it is older than an hour") {
    Fixture f;
    auto remote = live_other();
    remote.controller = "another-controller";
    remote.pid = dead_pid(); // not ours to check
    put_lock(f.path, remote);
    CHECK(acquire_lock(f.node, f.me, false, f.path.string()).error().code() == Errc::conflict);
    remote.started_at = rfc3339(std::time(nullptr) - 2 * 3600);
    put_lock(f.path, remote);
    REQUIRE(acquire_lock(f.node, f.me, false, f.path.string()).ok());
    CHECK(same_owner(*lock_on_disk(f.path), f.me));
  }

  TEST_CASE("--force-unlock takes over a live lock") {
    Fixture f;
    put_lock(f.path, live_other());
    REQUIRE(acquire_lock(f.node, f.me, true, f.path.string()).ok());
    CHECK(same_owner(*lock_on_disk(f.path), f.me));
  }

  TEST_CASE("an unreadable lock file is refused unless forced") {
    Fixture f;
    fs::create_directories(f.path.parent_path());
    std::ofstream(f.path) << "garbage";
    CHECK(acquire_lock(f.node, f.me, false, f.path.string()).error().code() == Errc::conflict);
    REQUIRE(acquire_lock(f.node, f.me, true, f.path.string()).ok());
    CHECK(same_owner(*lock_on_disk(f.path), f.me));
  }

  TEST_CASE("release removes only our own lock") {
    Fixture f;
    CHECK(release_lock(f.node, f.me, f.path.string()).ok()); // nothing to release
    REQUIRE(acquire_lock(f.node, f.me, false, f.path.string()).ok());
    REQUIRE(release_lock(f.node, f.me, f.path.string()).ok());
    CHECK_FALSE(fs::exists(f.path));
    const auto other = live_other();
    put_lock(f.path, other);
    const auto s = release_lock(f.node, f.me, f.path.string());
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == Errc::conflict);
    CHECK(same_owner(*lock_on_disk(f.path), other));
  }

  TEST_CASE("read_lock reports no lock, then the holder") {
    Fixture f;
    auto none = read_lock(f.node, f.path.string());
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    put_lock(f.path, live_other());
    auto held = read_lock(f.node, f.path.string());
    REQUIRE(held.ok());
    REQUIRE(held->has_value());
    CHECK((*held)->pid == 1);
  }

  TEST_CASE("of two applies racing for a free lock exactly one wins") {
    for (int round = 0; round < 5; ++round) {
      Fixture f;
      NoSudo second;
      Status a, b;
      std::thread ta([&] { a = acquire_lock(f.node, f.me, false, f.path.string()); });
      std::thread tb([&] { b = acquire_lock(second, live_other(), false, f.path.string()); });
      ta.join();
      tb.join();
      CHECK(a.ok() != b.ok());
      const auto held = lock_on_disk(f.path);
      REQUIRE(held);
      CHECK(same_owner(*held, a.ok() ? f.me : live_other()));
    }
  }

  TEST_CASE("staleness: the process on this controller, the age on another") {
    StaleCheck check{"ctl", 10'000, [](long pid) -> std::optional<std::string> {
                       return pid == 7 ? std::optional<std::string>("700") : std::nullopt;
                     }};
    LockOwner o{"ctl", 7, "700", rfc3339(10'000 - 60), "acpctl apply"};
    CHECK_FALSE(stale_reason(o, check));
    o.pid_start = "701";
    CHECK(stale_reason(o, check).value().find("another process") != std::string::npos);
    o.pid = 8;
    CHECK(stale_reason(o, check).value() == "process 8 is gone");
    o = {"ctl", 7, "700", rfc3339(10'000 - 7200), "acpctl apply"};
    CHECK_FALSE(stale_reason(o, check)); // a long apply that still runs here keeps its lock
    o.started_at = rfc3339(10'000 - 60);
    o.controller = "elsewhere";
    CHECK_FALSE(stale_reason(o, check));
    o.started_at = rfc3339(10'000 - 3601);
    CHECK(stale_reason(o, check).value().find("older than 60 minutes") != std::string::npos);
  }
}
