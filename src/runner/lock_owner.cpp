// LockOwner: who this process is, how an owner reads and is written, and when a lock is stale.

#include "lock_owner.hpp"

#include "acpctl/runner/progress.hpp"
#include "acpctl/util/strings.hpp"

#include <ctime>
#include <fmt/format.h>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace acp::runner {

std::string local_hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0)
    return "unknown";
  return name;
}

std::optional<std::string> process_start_time(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!in || !std::getline(in, stat))
    return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses; fields after it start
  // behind the last ')'. Field 22 is then the 20th word after it.
  const auto close = stat.rfind(')');
  if (close == std::string::npos)
    return std::nullopt;
  std::istringstream rest(stat.substr(close + 1));
  std::string word;
  for (int field = 3; field <= 22; ++field)
    if (!(rest >> word))
      return std::nullopt;
  return word;
}

LockOwner this_process(const std::string& command) {
  const long pid = ::getpid();
  return {local_hostname(), pid, process_start_time(pid).value_or(""), util::now_rfc3339(),
          command};
}

std::string describe(const LockOwner& owner) {
  return fmt::format("{} (pid {} on {}, since {})", owner.command.empty() ? "?" : owner.command,
                     owner.pid, owner.controller, owner.started_at);
}

std::string owner_to_json(const LockOwner& o) {
  return nlohmann::json{{"controller", o.controller},
                        {"pid", o.pid},
                        {"pidStart", o.pid_start},
                        {"startedAt", o.started_at},
                        {"command", o.command}}
      .dump();
}

std::optional<LockOwner> owner_from_json(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("controller") || !j.contains("pid"))
    return std::nullopt;
  try {
    LockOwner o;
    o.controller = j.at("controller").get<std::string>();
    o.pid = j.at("pid").get<long>();
    o.pid_start = j.value("pidStart", "");
    o.started_at = j.value("startedAt", "");
    o.command = j.value("command", "");
    return o;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::optional<long> parse_rfc3339(std::string_view text) {
  std::tm tm{};
  std::istringstream in{std::string(text)};
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail())
    return std::nullopt;
  return static_cast<long>(::timegm(&tm));
}

bool same_owner(const LockOwner& a, const LockOwner& b) {
  return a.controller == b.controller && a.pid == b.pid && a.pid_start == b.pid_start;
}

std::optional<std::string> stale_reason(const LockOwner& holder, const StaleCheck& check) {
  if (holder.controller == check.hostname) {
    // Our own machine: the process table is the truth, however long an apply has run.
    const auto start = check.start_time_of(holder.pid);
    if (!start)
      return fmt::format("process {} is gone", holder.pid);
    if (*start != holder.pid_start)
      return fmt::format("process {} is another process now", holder.pid);
    return std::nullopt;
  }
  // Another controller's process cannot be seen from here: only its age can tell.
  const auto since = parse_rfc3339(holder.started_at);
  if (!since)
    return std::string("its start time is unreadable");
  if (check.now - *since > k_lock_stale_seconds)
    return fmt::format("it is older than {} minutes", k_lock_stale_seconds / 60);
  return std::nullopt;
}

StaleCheck StaleCheck::local() {
  return {local_hostname(), static_cast<long>(std::time(nullptr)), process_start_time};
}

} // namespace acp::runner
