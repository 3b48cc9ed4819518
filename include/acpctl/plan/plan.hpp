#pragma once
// The plan: plain data, ordered steps plus what it was made from (config and package digests,
// each node's state serial) so that applying a stale plan can be refused.

#include "acpctl/plan/params.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace acp::plan {

/// Version of the plan file layout. 2: "packageKey" and a "digest" over the file's content;
/// 3: typed "params", "target" and "together" per step. A plan of another schema is refused.
inline constexpr int k_plan_schema = 3;

enum class Action { create, change, restart, remove };
std::string_view to_string(Action action);

/// Where a step runs: on its host (the usual), on the workstation running acpctl (push
/// images, upload a snapshot), or on the cluster through its host (a chosen node; the
/// step changes the cluster, not that node, so its state.json is not committed).
enum class Target { node, workstation, cluster };
std::string_view to_string(Target target);

/// One thing to do on one host.
struct Step {
  std::string host;  ///< node name from cluster.yaml; empty for the workstation
  std::string stage; ///< a name from stages(); decides order
  Action action = Action::create;
  std::string component;
  std::string from_version; ///< empty for create
  std::string to_version;   ///< empty for remove
  std::string digest;       ///< the digest to install (create, change); else empty
  std::string reason;       ///< why, in words for the user
  /// What the stage's apply half needs beyond the above, decided at plan time, typed per
  /// stage (params.hpp); null when the stage needs nothing. Never a secret.
  ParamsPtr params{};
  Target target = Target::node;
  /// Of a serial stage: run at the same time as the stage's other "together" steps (etcd
  /// without quorum: none of them can pass its health gate alone).
  bool together = false;

  /// The parameters as `P`; null when the step has none or of another type.
  template <class P> const P* params_as() const {
    const auto* typed = dynamic_cast<const TypedParams<P>*>(params.get());
    return typed ? &typed->value() : nullptr;
  }
  bool operator==(const Step& other) const;
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
  /// The nodes that have steps, in the order they first appear (not the workstation).
  std::vector<std::string> hosts() const;
};

} // namespace acp::plan
