#pragma once
// Internals of the apply lock shared by lock.cpp, the status command and the tests.

#include "acpctl/runner/lock.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace acp::runner {

/// This machine's hostname ("unknown" if it cannot be read).
std::string local_hostname();
/// Field 22 of /proc/<pid>/stat (start time in clock ticks); nullopt if no such process.
std::optional<std::string> process_start_time(long pid);

/// The owner as one line of JSON (no trailing newline).
std::string owner_to_json(const LockOwner& owner);
/// Parses an owner; nullopt if `text` is not one.
std::optional<LockOwner> owner_from_json(std::string_view text);
/// Seconds since 1970 of "YYYY-MM-DDTHH:MM:SS…" (UTC); nullopt if unreadable.
std::optional<long> parse_rfc3339(std::string_view text);
/// Same controller, pid and pid start time.
bool same_owner(const LockOwner& a, const LockOwner& b);

/// What staleness is judged against; injected so tests can play with time and processes.
struct StaleCheck {
  std::string hostname;
  long now = 0; ///< seconds since 1970
  std::function<std::optional<std::string>(long pid)> start_time_of;
  /// This machine, now, and /proc.
  static StaleCheck local();
};

/// Why `holder`'s lock is stale ("process 1234 is gone"), or nullopt if it is live. A holder on
/// this controller is judged by its process (pid + start time) alone; one on another controller
/// by its age (k_lock_stale_seconds).
std::optional<std::string> stale_reason(const LockOwner& holder, const StaleCheck& check);

} // namespace acp::runner
