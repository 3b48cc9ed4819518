#pragma once
// Retrying transient failures (connection refused or reset, time-outs) with backoff.
// Authentication failures and everything else fail at once.

#include "acpctl/util/error.hpp"

#include <chrono>
#include <functional>

namespace acp::transport {

struct RetryPolicy {
  int attempts = 3;                         ///< total tries, at least 1
  std::chrono::milliseconds initial{250};   ///< wait before the second try
  double factor = 2.0;                      ///< growth of the wait per try
  std::chrono::milliseconds max_wait{4000}; ///< cap on one wait
};

/// Sleeps for a duration; injected so tests need not wait.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

/// True for errors worth another try: Errc::connect and Errc::timeout.
bool is_transient(const Error& error);

/// The wait before try number `attempt` (2-based: the wait before the second try is
/// policy.initial).
std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt);

/// Calls `attempt` until it succeeds, fails with a non-transient error, or the policy's tries
/// are used up; `on_retry` (may be empty) hears about each retry. Returns the last result.
Status with_retry(const RetryPolicy& policy, const Sleeper& sleep,
                  const std::function<Status()>& attempt,
                  const std::function<void(const Error&, int next_attempt,
                                           std::chrono::milliseconds wait)>& on_retry = {});

} // namespace acp::transport
