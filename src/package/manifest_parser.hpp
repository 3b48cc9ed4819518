#pragma once
// Private to package: the parser behind parse_manifest(). Stops at the first problem (by
// throwing Bad) and names file, line and column, with what to write instead. Its parts:
// manifest_parse.cpp (the document and the YAML helpers), manifest_parse_files.cpp (file
// entries and the checks across them), manifest_parse_component.cpp (components, services).

#include "acpctl/package/manifest.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace acp::package::detail {

/// Thrown inside the parser only; parse_manifest turns it into an Error.
struct Bad {
  Error error;
};

/// Reads one package.yaml (`definition`: a package definition, without sizes and checksums,
/// where a directory entry may stand for its files). `source` names the file in errors.
class Parser {
public:
  Parser(std::string source, bool definition) : m_source(std::move(source)), m_def(definition) {}

  /// Throws Bad: `message` at the position of `at` in the source, with `hint`.
  [[noreturn]] void fail(const YAML::Node& at, std::string message, std::string hint = {}) const;
  /// Fails unless `node` is a mapping of distinct keys, all in `allowed` (suggesting the
  /// closest known key for an unknown one).
  void mapping(const YAML::Node& node, const std::string& path,
               std::initializer_list<std::string_view> allowed) const;
  /// The string at `key` of `map`; "" when absent, unless `required` (then also not blank).
  std::string string(const YAML::Node& map, const std::string& path, const char* key,
                     bool required) const;
  /// The string at `key`, one of `choices`; `fallback` when absent.
  std::string choice(const YAML::Node& map, const std::string& path, const char* key,
                     std::initializer_list<std::string_view> choices, std::string fallback) const;
  /// `node` as a whole number.
  std::uint64_t number(const YAML::Node& node, const std::string& path) const;
  /// The list of strings at `key` of `map`; empty when absent.
  std::vector<std::string> strings(const YAML::Node& map, const std::string& path,
                                   const char* key) const;
  /// One file entry: path (or, in a definition, a directory alone), mode, size and sha256, or
  /// a symlink.
  FileEntry file(const YAML::Node& node, const std::string& path) const;
  /// The `files` list of `map`; empty when absent.
  std::vector<FileEntry> files(const YAML::Node& map, const std::string& path) const;
  /// One component: name, version, roles, files (symlinks inside it), images, service.
  Component component(const YAML::Node& node, const std::string& path) const;
  /// A component's service: command, user, environment, health check, restart, ports.
  Service service(const YAML::Node& node, const std::string& path) const;
  /// A duration in whole seconds, 1 to 3600.
  int seconds(const YAML::Node& node, const std::string& path) const;
  /// The `ports` list of `map`: distinct TCP ports; empty when absent.
  std::vector<int> ports(const YAML::Node& map, const std::string& path) const;
  /// Fails unless `valid`: the package's name, version and channel make its file name
  /// (name.arch.vVERSION.tgz), so they follow the component rules and no file name leaves the
  /// output directory.
  void file_name_part(const YAML::Node& node, const std::string& field, const std::string& value,
                      bool valid, std::string_view rule) const;
  /// The whole document: apiVersion, kind, metadata and spec.
  Manifest document(const YAML::Node& root) const;
  /// Across the manifest's files: every path once, none below another, every symlink inside the
  /// package and not through another symlink.
  void check_entries(const Manifest& m, const YAML::Node& root) const;

private:
  std::string m_source;
  bool m_def;
};

} // namespace acp::package::detail
