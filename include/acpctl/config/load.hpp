#pragma once
// Reading cluster.yaml: parse, fill defaults, validate. Every problem is reported at once,
// each with file:line:column, what is wrong and how to fix it.

#include "acpctl/config/model.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::config {

/// The largest cluster config acpctl reads; a real one is a few KiB.
inline constexpr std::size_t k_max_config_bytes = std::size_t{4} << 20;
/// How deeply a cluster config may nest (a real one nests about 6 levels).
inline constexpr int k_max_config_depth = 64;

/// One thing wrong with a config.
struct Problem {
  Location where;      ///< file:line:column
  std::string path;    ///< the value's path, e.g. "spec.nodes[1].address"
  std::string message; ///< what is wrong
  std::string hint;    ///< how to fix it; may be empty

  /// "file:line:col: message (hint)"
  std::string describe() const;
};

struct LoadResult {
  std::optional<Cluster> cluster; ///< set when the text could be read as a cluster config
  std::vector<Problem> problems;  ///< sorted by position; empty means valid

  bool ok() const { return cluster.has_value() && problems.empty(); }
};

/// Parses, defaults and validates `text`; `source` names it in every Problem.
LoadResult load_text(std::string_view text, const std::string& source);
/// Reads a file ("-" is standard input) and loads it as load_text does.
LoadResult load_file(const std::string& path);
/// For commands that need a valid config: the cluster, or an invalid_input Error listing
/// every problem.
Result<Cluster> load_valid(const std::string& path);

/// The semantic checks alone (run by load_text after parsing).
std::vector<Problem> validate(const Cluster& cluster);

/// What is wrong with `path` as a directory acpctl creates and may delete on a node
/// (spec.etcd.dataDir, spec.etcdBackup.localStorage.path), or "" when it is fine: it must be
/// absolute, normalised (no ".", ".." or empty parts, no trailing '/'), made of
/// [A-Za-z0-9._+-] and '/', at most 4096 bytes, at least two levels deep, and not a system
/// directory such as /etc, /usr, /var/lib or /opt.
std::string node_dir_problem(std::string_view path);

/// A commented example cluster.yaml for a 3-node global cluster (what `acpctl init` prints).
std::string example_config();

} // namespace acp::config
