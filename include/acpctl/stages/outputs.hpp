#pragma once
// The apply-time output store: a step publishes values (a bootstrap token, a join command,
// an uploaded snapshot's name) that later steps of the same apply read. It lives only in
// memory for one apply: nothing in it is written to the plan file, and a value published as
// secret is registered with the log's masking at once, so it never reaches a log line, a
// progress event or an error message.

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace acp::stages {

class Outputs {
public:
  enum class Kind { plain, secret };
  /// Publishes `value` under `key` (replacing an earlier one). A secret is masked in every
  /// log line from now on.
  void put(const std::string& key, std::string value, Kind kind = Kind::plain);
  /// The value under `key`; nullopt when no step published it.
  std::optional<std::string> get(const std::string& key) const;
  /// The keys published so far and whether each is secret (never the values), for reports.
  std::map<std::string, Kind> keys() const;

private:
  mutable std::mutex m_mutex;
  std::map<std::string, std::pair<std::string, Kind>> m_values;
};

} // namespace acp::stages
