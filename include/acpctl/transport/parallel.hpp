#pragma once
// Running one piece of work per host with a bound on how many run at once, keeping one result
// per host (never one joined error). Used by exec and by every stage that fans out.

#include "acpctl/util/error.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

namespace acp::transport {

/// Calls `work(i)` for i in [0, count) on at most `max_in_flight` threads at once and returns
/// the results in index order. An exception thrown by `work` becomes that index's Error
/// (a Failure keeps its Error; anything else is Errc::failed).
template <class T>
std::vector<Result<T>> run_bounded(std::size_t count, int max_in_flight,
                                   const std::function<Result<T>(std::size_t)>& work) {
  std::vector<std::optional<Result<T>>> slots(count);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        slots[i].emplace(work(i));
      } catch (const Failure& f) {
        slots[i].emplace(f.error());
      } catch (const std::exception& e) {
        slots[i].emplace(Error(Errc::failed, e.what()));
      }
    }
  };
  const std::size_t threads =
      std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, max_in_flight)));
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back(worker);
  for (auto& t : pool)
    t.join();
  std::vector<Result<T>> out;
  out.reserve(count);
  for (auto& s : slots)
    out.push_back(std::move(*s));
  return out;
}

} // namespace acp::transport
