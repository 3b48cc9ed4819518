// Gathering from many hosts: a bounded pool of threads, each taking the next host, so one
// slow host does not hold up the rest beyond its own time.

#include "acpctl/facts/gather.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace acp::facts {

namespace {
// An exception escaping a pool thread would terminate the process: turn it into this
// host's error instead.
Result<std::string> run_guarded(const RunScript& run, const std::string& host,
                                const std::string& script) {
  try {
    return run(host, script);
  } catch (const Failure& failure) {
    return failure.error();
  } catch (const std::exception& e) {
    return Error(Errc::failed, e.what());
  }
}

double now_epoch() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}
} // namespace

Gathered gather_all(std::span<const std::string> hosts, const RunScript& run, int parallelism,
                    std::span<const Probe> probes) {
  Gathered out;
  const auto text = script(probes);
  std::mutex mutex;
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (auto i = next++; i < hosts.size(); i = next++) {
      const auto& host = hosts[i];
      const auto before = now_epoch();
      auto output = run_guarded(run, host, text);
      const auto after = now_epoch();
      auto facts = output ? parse_facts(*output, host, probes) : Result<HostFacts>(output.error());
      std::lock_guard lock(mutex);
      if (facts) {
        facts->clock_offset_seconds = clock_offset(facts->remote_epoch, before, after);
        out.facts.emplace(host, std::move(*facts));
      } else {
        auto error = std::move(facts).error();
        if (error.host().empty())
          error.with_host(host);
        out.errors.emplace(host, std::move(error.context("gathering facts")));
      }
    }
  };
  const auto threads = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(parallelism, 1)),
                                               1, std::max<std::size_t>(hosts.size(), 1));
  {
    // Joined at the end of this block, before `out` is returned.
    std::vector<std::jthread> pool;
    for (std::size_t t = 0; t < threads; ++t)
      pool.emplace_back(worker);
  }
  return out;
}

} // namespace acp::facts
