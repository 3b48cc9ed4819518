#include "acpctl/transport/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

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

  TEST_CASE("batches run a few at a time and stop after a batch with a failure") {
    std::atomic<int> in_flight{0};
    std::atomic<int> most{0};
    std::vector<std::size_t> ran;
    std::mutex m;
    const auto results = transport::run_batches<int>(7, 3, 8, [&](std::size_t i) -> Result<int> {
      const int now = ++in_flight;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      {
        std::lock_guard lock(m);
        ran.push_back(i);
      }
      --in_flight;
      if (i == 4)
        return Error(Errc::failed, "host 4 failed");
      return static_cast<int>(i);
    });
    // batches {0,1,2}, {3,4,5}; the failure in the second stops the third ({6})
    REQUIRE(results.size() == 6);
    CHECK(most.load() <= 3);
    CHECK(std::find(ran.begin(), ran.end(), 6) == ran.end());
    CHECK(results[2].value() == 2);
    CHECK_FALSE(results[4].ok());
    CHECK(results[5].value() == 5);
  }
}
