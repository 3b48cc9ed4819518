#pragma once
// Private to config: walks a yaml-cpp tree, records where each value is, and turns type and
// key mistakes into Problems instead of exceptions, so parsing always reports every problem.

#include "acpctl/config/load.hpp"

#include <functional>
#include <initializer_list>
#include <set>
#include <yaml-cpp/yaml.h>

namespace acp::config::detail {

class Reader {
public:
  Reader(Cluster& cluster, std::vector<Problem>& problems)
      : m_cluster(cluster), m_problems(problems) {}

  /// Records the position of `node` under `path`.
  void note(const std::string& path, const YAML::Node& node);
  /// Adds a problem at `node`'s position.
  void problem(const YAML::Node& node, const std::string& path, std::string message,
               std::string hint = {});
  /// Adds a problem at the recorded position of `path`.
  void problem_at(const std::string& path, std::string message, std::string hint = {});

  /// Checks `node` is a mapping whose keys are all in `allowed` (unknown keys get a "did you
  /// mean"; duplicate keys are reported). Returns false if it is not a mapping.
  bool mapping(const YAML::Node& node, const std::string& path,
               std::initializer_list<std::string_view> allowed);
  /// Checks `node` is a sequence.
  bool sequence(const YAML::Node& node, const std::string& path);

  /// Reads map[key] if present. Reports a problem if required and missing or of wrong type.
  /// Returns true only if a value was read into `out`.
  bool string(const YAML::Node& map, const std::string& path, std::string_view key,
              std::string& out, bool required = false);
  bool integer(const YAML::Node& map, const std::string& path, std::string_view key, int& out,
               int min, int max, bool required = false);
  bool boolean(const YAML::Node& map, const std::string& path, std::string_view key, bool& out);
  /// A secret reference: a mapping {fromEnv: VAR} or {fromFile: PATH}. An inline scalar is a
  /// problem: secrets are never written in cluster.yaml.
  bool secret(const YAML::Node& map, const std::string& path, std::string_view key, SecretRef& out);
  /// One of `choices` (exact spelling); a near miss gets a "did you mean".
  bool choice(const YAML::Node& map, const std::string& path, std::string_view key,
              std::string& out, std::initializer_list<std::string_view> choices,
              bool required = false);

  /// The child path "parent.key" (or "key" at the root).
  static std::string child(const std::string& parent, std::string_view key);
  /// Reports "PATH is required" at `map`, unless an unknown key in it was already suggested as
  /// PATH (then the "did you mean" says it all).
  void required(const YAML::Node& map, const std::string& path, std::string hint = {});

private:
  Cluster& m_cluster;
  std::vector<Problem>& m_problems;
  std::set<std::string, std::less<>> m_suggested;
};

/// The position of a yaml-cpp node as a 1-based Location in `source`.
Location location_of(const YAML::Node& node, const std::string& source);

} // namespace acp::config::detail
