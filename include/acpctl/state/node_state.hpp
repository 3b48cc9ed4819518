#pragma once
// What acpctl installed on one node: the truth lives on the node in /var/lib/acp/state.json,
// rewritten atomically after every step. Every commit bumps the serial, so a plan made against
// serial N can tell that the node changed since.

#include "acpctl/util/error.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace acp::state {

/// Newest state.json layout this build reads and writes. Schema 1 has components only;
/// schema 2 adds "platform" (the records of platform stages: pki, etcd, keepalived). A state
/// without platform records is still written as schema 1, byte for byte as before, so only
/// nodes that run platform services need this acpctl or newer.
inline constexpr int k_schema_version = 2;
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
  bool operator==(const InstalledComponent&) const = default;
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

  const InstalledComponent* find(std::string_view name) const;
  const PlatformRecord* find_record(std::string_view name) const;
  bool operator==(const NodeState&) const = default;
};

/// One committed change: put (install or replace) a component, remove one by name, put a
/// platform record, remove platform records, or nothing but the serial bump (a step that
/// changed the cluster, not this node's files, e.g. an etcd member removal run from here).
struct StateChange {
  enum class Kind { put, remove, put_record, remove_records, none };
  Kind kind = Kind::put;
  InstalledComponent component;     ///< for put; for remove only the name is used
  PlatformRecord record;            ///< for put_record
  std::vector<std::string> records; ///< for remove_records: their names

  static StateChange put(InstalledComponent component);
  static StateChange remove(std::string name);
  static StateChange put_record(PlatformRecord record);
  static StateChange remove_records(std::vector<std::string> names);
  static StateChange nothing();
};

/// The state after `change`, with the serial bumped by one. Removing an absent component
/// still bumps the serial (the commit happened). The schema is 2 while platform records
/// exist, else 1.
NodeState commit(NodeState state, const StateChange& change);

/// The JSON document written to state.json.
nlohmann::json to_json(const NodeState& state);
/// state.json's text: pretty JSON with a final newline.
std::string to_text(const NodeState& state);
/// Reads state.json's text. A corrupt file or one from a newer acpctl fails with
/// Errc::invalid_input naming `host` and `file` and saying what to do.
Result<NodeState> parse_state(std::string_view text, const std::string& host,
                              std::string_view file = k_state_path);

} // namespace acp::state
