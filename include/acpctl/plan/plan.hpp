#pragma once
// The plan: plain data, ordered steps plus what it was made from (config and package digests,
// each node's state serial) so that applying a stale plan can be refused.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace acp::plan {

/// Version of the plan file layout. 2: "packageKey" and a "digest" over the file's content;
/// a plan of another schema is refused.
inline constexpr int k_plan_schema = 2;

enum class Action { create, change, restart, remove };
std::string_view to_string(Action action);

/// One thing to do on one host.
struct Step {
  std::string host;  ///< node name from cluster.yaml
  std::string stage; ///< a name from stages(); decides order
  Action action = Action::create;
  std::string component;
  std::string from_version; ///< empty for create
  std::string to_version;   ///< empty for remove
  std::string digest;       ///< the digest to install (create, change); else empty
  std::string reason;       ///< why, in words for the user
  /// What a platform stage's apply half needs beyond the above, decided at plan time (etcd:
  /// "member" = the member a step acts on, "mode" = "bootstrap" or "join"; prune:
  /// "record" = the platform record to remove). Never a secret: plans are saved and printed.
  std::map<std::string, std::string> params{};
  bool operator==(const Step&) const = default;
};

struct Summary {
  int create = 0;
  int change = 0;
  int restart = 0;
  int remove = 0;
  int total() const { return create + change + restart + remove; }
};

struct Plan {
  std::vector<Step> steps;    ///< in execution order: by stage, then host in config order
  std::string config_digest;  ///< sha256 of cluster.yaml's bytes
  std::string package_digest; ///< the package's digest
  /// The fingerprint of the key that verified the package, or "insecure-skip-signature";
  /// a saved plan is applied only with that same key.
  std::string package_key;
  std::map<std::string, std::uint64_t> node_serials; ///< state serial per node when planned

  Summary summary() const;
  bool has_changes() const { return !steps.empty(); }
  /// The hosts that have steps, in the order they first appear.
  std::vector<std::string> hosts() const;
};

} // namespace acp::plan
