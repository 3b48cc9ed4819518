// Retry policy: only failures that another try can fix are retried.

#include "acpctl/transport/retry.hpp"

#include <algorithm>
#include <cmath>

namespace acp::transport {

bool is_transient(const Error& error) {
  return error.code() == Errc::connect || error.code() == Errc::timeout;
}

std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt) {
  if (attempt < 2)
    return std::chrono::milliseconds(0);
  const double wait = static_cast<double>(policy.initial.count()) *
                      std::pow(policy.factor, static_cast<double>(attempt - 2));
  return std::chrono::milliseconds(
      static_cast<long long>(std::min(wait, static_cast<double>(policy.max_wait.count()))));
}

Status
with_retry(const RetryPolicy& policy, const Sleeper& sleep, const std::function<Status()>& attempt,
           const std::function<void(const Error&, int, std::chrono::milliseconds)>& on_retry) {
  const int tries = std::max(1, policy.attempts);
  for (int n = 1;; ++n) {
    Status status = attempt();
    if (status.ok() || n >= tries || !is_transient(status.error()))
      return status;
    const auto wait = backoff(policy, n + 1);
    if (on_retry)
      on_retry(status.error(), n + 1, wait);
    sleep(wait);
  }
}

} // namespace acp::transport
