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

/// Runs `work(i)` for i in [0, count) `batch` at a time (each batch through run_bounded with
/// `max_in_flight`), and starts no batch after one in which any failed. Returns the results
/// of the indices that ran, in index order (fewer than `count` after a failed batch).
template <class T>
std::vector<Result<T>> run_batches(std::size_t count, std::size_t batch, int max_in_flight,
                                   const std::function<Result<T>(std::size_t)>& work) {
  std::vector<Result<T>> out;
  batch = std::max<std::size_t>(batch, 1);
  for (std::size_t first = 0; first < count; first += batch) {
    const auto n = std::min(batch, count - first);
    auto some = run_bounded<T>(n, max_in_flight,
                               [&](std::size_t i) -> Result<T> { return work(first + i); });
    bool failed = false;
    for (auto& r : some) {
      failed = failed || !r.ok();
      out.push_back(std::move(r));
    }
    if (failed)
      break;
  }
  return out;
}

} // namespace acp::transport
