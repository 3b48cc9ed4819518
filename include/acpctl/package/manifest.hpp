#pragma once
// The package manifest (package.yaml): what a package is, which components it holds, and
// every file's size, mode and sha256. It is the first entry of every package archive, and the
// one thing the signature covers. The format is documented in docs/package-format.md.

#include "acpctl/util/error.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::package {

/// apiVersion and kind of package.yaml.
inline constexpr std::string_view k_api_version = "acpctl.alauda.io/v1alpha1";
inline constexpr std::string_view k_kind = "Package";
/// The name of the manifest: the first entry of the archive, and of a definition directory.
inline constexpr std::string_view k_manifest_name = "package.yaml";

/// One file of a component (or of the package's image layout). A symlink has `symlink` set
/// and no size or sha256.
struct FileEntry {
  std::string path;       ///< relative, '/'-separated, no "." or ".." parts
  std::uint64_t size = 0; ///< bytes
  std::uint32_t mode = 0; ///< permission bits only (0..0777)
  std::string sha256;     ///< 64 lower-case hex characters
  std::string symlink;    ///< target of a symlink entry, relative, inside the package
  bool is_symlink() const { return !symlink.empty(); }
};

/// A container image of a component, stored in the package's OCI image layout (images/).
struct Image {
  std::string ref;    ///< e.g. registry.alauda.cn/acp/etcd:v3.5.9
  std::string digest; ///< sha256:<hex> of the image manifest in images/blobs/sha256/
};

struct HealthCheck {
  std::vector<std::string> command; ///< argv; exit 0 = healthy
  int interval_seconds = 10;        ///< between checks while apply waits (1..3600)
  int timeout_seconds = 5;          ///< a check running longer failed (1..3600)
  /// How long apply waits after a (re)start for the service to run and pass (1..3600);
  /// absent: 15 s.
  std::optional<int> start_seconds{};
};

/// How a component runs as a service on a node (a systemd unit or a runit service).
struct Service {
  std::vector<std::string> command; ///< argv; relative paths are relative to the component dir
  std::string user = "root";
  std::map<std::string, std::string> environment;
  std::optional<HealthCheck> health_check;
  std::string restart = "always"; ///< always | on-failure | never
  std::vector<int> ports{};       ///< TCP ports it listens on (1..65535), for preflight
};

struct Component {
  std::string name;
  std::string version;
  std::vector<std::string> roles; ///< node roles it goes to; empty = every node
  std::vector<FileEntry> files;
  std::vector<Image> images;
  std::optional<Service> service;

  /// sha256 over the component's name, version, roles, service and each file's path, mode,
  /// size and sha256: equal digests mean an identical component, so it need not be re-sent.
  std::string digest() const;
  /// The same without the version: equal content digests under two versions mean the same
  /// bytes and service relabelled (no bytes to send, nothing to restart).
  std::string content_digest() const;
  /// True if a node with any of `node_roles` needs this component.
  bool wanted_by(const std::vector<std::string>& node_roles) const;

private:
  std::string digest_of(bool with_version) const;
};

struct Manifest {
  std::string name;
  std::string type = "core";                  ///< core | operator | cluster-plugin | patch
  std::string version;                        ///< e.g. 4.0.2 (no leading v)
  std::string arch = "amd64";                 ///< amd64 | arm64 | ALL
  std::string channel;                        ///< operators: e.g. stable
  std::string lifecycle = "core";             ///< core | aligned | agnostic
  std::vector<std::string> platform_versions; ///< platform versions it fits, e.g. ">=4.0 <4.1"
  std::string base_version;                   ///< patch: the version it applies to
  std::vector<Component> components;
  std::vector<FileEntry> image_files; ///< the OCI image layout under images/

  /// The ACP file name: <name>.<arch>.v<version>.tgz, operators
  /// <name>.<channel>.<arch>.v<version>.tgz
  /// (".tzst" instead of ".tgz" when `zstd`).
  std::string file_name(bool zstd = false) const;
  /// Every file entry: components' files, then the image layout's.
  std::vector<const FileEntry*> all_files() const;
  /// Sum of all file sizes.
  std::uint64_t total_size() const;
  const Component* find_component(std::string_view name) const;
};

/// Parses package.yaml. `source` names it in errors (file:line:col, what to fix). A
/// definition (`definition` = true, the input of `package build`) may leave out size and
/// sha256 and may list `directory:` entries; a manifest must have them all. Fails with
/// Errc::invalid_input.
Result<Manifest> parse_manifest(std::string_view yaml, const std::string& source,
                                bool definition = false);

/// The manifest as YAML, in a fixed key order (what `package build` stores and signs).
std::string emit_manifest(const Manifest& manifest);

/// True if `name` may name a component: [a-z0-9][a-z0-9._-]{0,62} without "..". It becomes
/// a directory on every node (/opt/acp/components/NAME), so it is one plain path segment.
bool valid_component_name(std::string_view name);
/// True if `version` may be a component's version: [A-Za-z0-9][A-Za-z0-9._+-]{0,127} without
/// "..", and not "current" or "current.*" (the link beside the versions). It becomes the
/// directory /opt/acp/components/NAME/VERSION on every node.
bool valid_component_version(std::string_view version);
/// What the two rules above allow, for error hints.
inline constexpr std::string_view k_component_name_rule =
    "1 to 63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit, without \"..\"";
inline constexpr std::string_view k_component_version_rule =
    "1 to 128 of A-Z, a-z, 0-9, '.', '_', '+', '-', starting with a letter or digit, without "
    "\"..\", not \"current\"";

/// Where `path` (a component's file) lands below the component's version directory: the
/// path without its "components/NAME/" prefix.
std::string component_relative_path(const Component& component, std::string_view path);
/// What is wrong with `target` as the target of the symlink `link` (relative to the
/// component's version directory), or "" when fine: it must be relative, not start with '-',
/// have no control characters, and stay inside that directory.
std::string symlink_problem(std::string_view link, std::string_view target);

/// Checks a path from a manifest or archive: relative, no empty, "." or ".." parts, no NUL,
/// at most 4096 bytes. Returns what is wrong, or "" when fine.
std::string path_problem(std::string_view path);

} // namespace acp::package
