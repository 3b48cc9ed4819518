#pragma once
// What acpctl installed on one node: the truth lives on the node in /var/lib/acp/state.json,
// rewritten atomically after every step. Every commit bumps the serial, so a plan made against
// serial N can tell that the node changed since.

#include "acpctl/util/error.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::state {

/// Newest state.json layout this build reads and writes. Schema 1 has components only;
/// schema 2 adds "platform" (the records of platform stages: pki, etcd, keepalived); schema 3
/// adds releases: "release", "previousRelease", "history", "lastUpgrade" and, per component,
/// the owning release, its content digest, service spec and previous version. A state is
/// written with the lowest schema that holds it, so an older acpctl refuses (rather than
/// silently drops) what it does not know.
inline constexpr int k_schema_version = 3;
/// How many release events "history" keeps (the oldest are dropped).
inline constexpr std::size_t k_history_limit = 20;
/// Where each node keeps its state.
inline constexpr std::string_view k_state_path = "/var/lib/acp/state.json";
/// Components live side by side by version below this directory.
inline constexpr std::string_view k_components_root = "/opt/acp/components";
/// Name of the link inside a component's directory that points at the active version.
inline constexpr std::string_view k_current_link = "current";

/// "/opt/acp/components/<name>/<version>": where one version of a component is unpacked.
std::string component_dir(std::string_view name, std::string_view version);
/// "/opt/acp/components/<name>/current": the link an upgrade or rollback switches.
std::string current_link(std::string_view name);

/// One file a component put on the node.
struct InstalledFile {
  std::string path;   ///< absolute path on the node
  std::string sha256; ///< hex digest of its content
  bool operator==(const InstalledFile&) const = default;
};

/// The version a component ran before its current one, kept on the node (its directory is
/// verified and kept) so that a rollback is a link switch plus a restart.
struct PreviousVersion {
  std::string version;
  std::string digest;
  std::string content_digest;
  std::vector<InstalledFile> files;
  nlohmann::json service_spec; ///< null: no service
  std::string release;         ///< the release that had installed it
  bool operator==(const PreviousVersion&) const = default;
};

/// One component as installed on a node.
struct InstalledComponent {
  std::string name;
  std::string version;
  std::string digest; ///< the package's digest of this component ("sha256:...")
  std::vector<InstalledFile> files;
  std::string service;      ///< service name without the "acp-" prefix; empty: none
  std::vector<int> ports;   ///< TCP ports its service listens on (not conflicts on re-apply)
  std::string installed_at; ///< UTC, RFC 3339
  /// The digest the service last (re)started with and passed its health gate ("serviceDigest"
  /// in state.json). Empty when there is no service, it never passed a gate, or the state was
  /// written by an acpctl that did not record it: the planner then restarts the service.
  std::string service_digest;
  /// The digest of its bytes and service without the version label ("contentDigest"): equal
  /// content digests under two versions make a relabel (no bytes sent, no restart). Empty in
  /// state written before it was recorded.
  std::string content_digest{};
  /// The release (its version) that installed this version of the component; empty before
  /// releases were recorded.
  std::string release{};
  /// The service as set up ("serviceSpec", plan::spec_to_json's form); null: no service or
  /// not recorded. A rollback sets the previous version's service up from it.
  nlohmann::json service_spec{};
  std::optional<PreviousVersion> previous{}; ///< the version before this one, kept on disk
  bool operator==(const InstalledComponent&) const = default;
};

/// A release: the package (core, or a patch on a core) a node runs as a whole.
struct Release {
  std::string name;         ///< the package's name, e.g. "core"
  std::string version;      ///< e.g. "4.0.1"
  std::string type;         ///< core | patch | ...
  std::string base_version; ///< a patch: the release it applies to; else = version
  std::string digest;       ///< "sha256:..." of the package manifest
  std::string installed_at; ///< UTC, RFC 3339
  bool operator==(const Release&) const = default;
};

/// One change of release on a node, for `acpctl history`.
struct ReleaseEvent {
  std::string at;     ///< UTC, RFC 3339
  std::string action; ///< install | upgrade | rollback
  std::string from;   ///< the version before; empty for an install
  std::string to;
  std::string snapshot; ///< the etcd snapshot taken before the change; empty: none
  bool operator==(const ReleaseEvent&) const = default;
};

/// What a platform stage (pki, etcd, keepalived) set up on a node: the files it wrote, the
/// directories it owns, the service it runs, and the digest of the inputs it was set up
/// from. The planner compares that digest with what it would set up now: equal means
/// converged (nothing restarts); different means rewrite and restart exactly this service.
/// Secrets (keys) are recorded by sha256 only.
struct PlatformRecord {
  std::string name;                 ///< the stage's name: "pki", "etcd", "keepalived"
  std::string digest;               ///< digest of the inputs ("sha256:...")
  std::vector<InstalledFile> files; ///< removed with the record
  std::vector<std::string> dirs;    ///< removed (rm -rf) with the record: config and data dirs
  std::string service;              ///< service name without "acp-"; empty: files only
  std::vector<int> ports;           ///< TCP ports its service listens on
  std::string updated_at;           ///< UTC, RFC 3339
  bool operator==(const PlatformRecord&) const = default;
};

/// The whole state of one node.
struct NodeState {
  int schema = 1;
  std::uint64_t serial = 0;                             ///< 0: acpctl never committed anything here
  std::map<std::string, InstalledComponent> components; ///< by name
  std::map<std::string, PlatformRecord> platform;       ///< by stage name; schema 2
  /// How the last applied package was trusted ("packageTrust"): its key's fingerprint, or
  /// "insecure-skip-signature". Empty in state written before it was recorded.
  std::string package_trust;
  std::optional<Release> release{};          ///< schema 3
  std::optional<Release> previous_release{}; ///< what `upgrade rollback` returns to
  std::vector<ReleaseEvent> history{};       ///< oldest first, at most k_history_limit
  /// The journal of the last upgrade or rollback on this node ("lastUpgrade": its target,
  /// snapshot, steps and outcome), written by the runner; null: none.
  nlohmann::json last_upgrade{};

  const InstalledComponent* find(std::string_view name) const;
  const PlatformRecord* find_record(std::string_view name) const;
  bool operator==(const NodeState&) const = default;
};

/// One committed change: put (install or replace) a component, remove one by name, put a
/// platform record, remove platform records, record a release (the previous one moves to
/// previous_release unless it is the same; the event joins the history), set the upgrade
/// journal, or nothing but the serial bump (a step that changed the cluster, not this node's
/// files, e.g. an etcd member removal run from here).
struct StateChange {
  enum class Kind { put, remove, put_record, remove_records, put_release, journal, none };
  Kind kind = Kind::put;
  InstalledComponent component;     ///< for put; for remove only the name is used
  PlatformRecord record;            ///< for put_record
  std::vector<std::string> records; ///< for remove_records: their names
  Release release;                  ///< for put_release
  ReleaseEvent event;               ///< for put_release
  nlohmann::json journal;           ///< for journal

  static StateChange put(InstalledComponent component);
  static StateChange remove(std::string name);
  static StateChange put_record(PlatformRecord record);
  static StateChange remove_records(std::vector<std::string> names);
  static StateChange put_release(Release release, ReleaseEvent event);
  static StateChange set_journal(nlohmann::json journal);
  static StateChange nothing();
};

/// The state after `change`, with the serial bumped by one. Removing an absent component
/// still bumps the serial (the commit happened). The schema is the lowest that holds the
/// state (schema_of).
NodeState commit(NodeState state, const StateChange& change);

/// 3 when the state records releases or anything of schema 3; else 2 with platform records;
/// else 1.
int schema_of(const NodeState& state);

/// The JSON document written to state.json.
nlohmann::json to_json(const NodeState& state);
/// state.json's text: pretty JSON with a final newline.
std::string to_text(const NodeState& state);
/// Reads state.json's text. A corrupt file or one from a newer acpctl fails with
/// Errc::invalid_input naming `host` and `file` and saying what to do.
Result<NodeState> parse_state(std::string_view text, const std::string& host,
                              std::string_view file = k_state_path);

} // namespace acp::state
