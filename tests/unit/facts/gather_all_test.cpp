#include "acpctl/facts/gather.hpp"
#include "acpctl/util/fs.hpp"

#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>
#include <thread>

using namespace acp::facts;

namespace {
std::string recorded_with_clock(double epoch) {
  auto text = acp::util::read_file(std::filesystem::path(ACPCTL_SOURCE_DIR) /
                                   "tests/data/facts/lab-runit-amd64.txt")
                  .take();
  const auto at = text.find("@@acp-facts clock\n") + 18;
  text.replace(at, text.find('\n', at) - at, fmt::format("{:.6f}", epoch));
  return text;
}
double now_epoch() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}
} // namespace

TEST_SUITE("facts::gather_all") {
  TEST_CASE("runs the script once per host, in parallel, and keeps one error per host") {
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    std::atomic<int> calls{0};
    std::atomic<bool> script_ok{true};
    const RunScript run = [&](const std::string& host,
                              std::string_view script) -> acp::Result<std::string> {
      if (script != acp::facts::script())
        script_ok = false;
      ++calls;
      peak = std::max(peak.load(), ++running);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      --running;
      if (host == "n3")
        return acp::Error(acp::Errc::connect, "connection refused");
      if (host == "n4")
        return std::string("garbage\n");
      if (host == "n5")
        throw std::runtime_error("transport bug");
      return recorded_with_clock(now_epoch() + (host == "n2" ? 30.0 : 0.0));
    };
    const std::vector<std::string> hosts{"n1", "n2", "n3", "n4", "n5"};
    const auto got = gather_all(hosts, run, 4);
    CHECK(calls == 5);
    CHECK(script_ok);
    CHECK(peak > 1);
    REQUIRE(got.facts.size() == 2);
    CHECK(std::abs(got.facts.at("n1").clock_offset_seconds) < 1.0);
    CHECK(got.facts.at("n2").clock_offset_seconds == doctest::Approx(30.0).epsilon(0.05));
    REQUIRE(got.errors.size() == 3);
    CHECK(got.errors.at("n5").message() == "gathering facts: transport bug");
    CHECK(got.errors.at("n3").host() == "n3");
    CHECK(got.errors.at("n3").code() == acp::Errc::connect);
    CHECK(got.errors.at("n3").message() == "gathering facts: connection refused");
    CHECK(got.errors.at("n4").host() == "n4");
    CHECK_FALSE(got.ok());
  }

  TEST_CASE("parallelism is bounded") {
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    const RunScript run = [&](const std::string&, std::string_view) -> acp::Result<std::string> {
      peak = std::max(peak.load(), ++running);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      --running;
      return recorded_with_clock(now_epoch());
    };
    const std::vector<std::string> hosts{"a", "b", "c", "d", "e", "f"};
    const auto got = gather_all(hosts, run, 2);
    CHECK(got.ok());
    CHECK(got.facts.size() == 6);
    CHECK(peak <= 2);
  }
}
