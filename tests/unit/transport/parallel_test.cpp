#include "acpctl/transport/parallel.hpp"

#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <stdexcept>
#include <thread>

using namespace acp;

TEST_SUITE("transport::parallel") {
  TEST_CASE("keeps one result per host in order and never exceeds the bound") {
    std::atomic<int> in_flight{0}, peak{0};
    const auto results = transport::run_bounded<int>(20, 3, [&](std::size_t i) -> Result<int> {
      const int now = ++in_flight;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      --in_flight;
      if (i == 7)
        return Error(Errc::remote, "host 7 failed");
      return static_cast<int>(i) * 10;
    });
    REQUIRE(results.size() == 20);
    CHECK(peak.load() <= 3);
    CHECK(results[3].value() == 30);
    CHECK_FALSE(results[7].ok());
    CHECK(results[7].error().message() == "host 7 failed");
    CHECK(results[19].value() == 190);
  }

  TEST_CASE("turns an exception into that host's error") {
    const auto results = transport::run_bounded<int>(2, 4, [](std::size_t i) -> Result<int> {
      if (i == 1)
        throw std::runtime_error("boom");
      return 1;
    });
    CHECK(results[0].ok());
    CHECK(results[1].error().message() == "boom");
  }
}
