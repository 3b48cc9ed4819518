// package.yaml → Manifest. Stops at the first problem and names file, line and column, with
// what to write instead. The document and the YAML helpers; file entries are read in
// manifest_parse_files.cpp, components in manifest_parse_component.cpp.

#include "acpctl/util/strings.hpp"
#include "image_layout.hpp"
#include "manifest_parser.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <set>

namespace acp::package {

namespace detail {

void Parser::fail(const YAML::Node& at, std::string message, std::string hint) const {
  Location where{m_source, 0, 0};
  if (const auto mark = at.Mark(); !mark.is_null())
    where = Location{m_source, mark.line + 1, mark.column + 1};
  throw Bad{Error(Errc::invalid_input, std::move(message)).at(where).with_hint(std::move(hint))};
}

void Parser::mapping(const YAML::Node& node, const std::string& path,
                     std::initializer_list<std::string_view> allowed) const {
  if (!node.IsMap())
    fail(node, fmt::format("{} must be a mapping", path.empty() ? "the document" : path));
  std::set<std::string> seen;
  const std::vector<std::string_view> names(allowed);
  for (const auto& kv : node) {
    const auto key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (!seen.insert(key).second)
      fail(kv.first, fmt::format("duplicate key \"{}\" in {}", key, path), "keep only one");
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      const auto guess = util::closest_match(key, names);
      std::vector<std::string> known(names.begin(), names.end());
      fail(kv.first,
           fmt::format("unknown key \"{}\" in {}", key, path.empty() ? "package.yaml" : path),
           guess.empty() ? "known keys: " + util::join(known, ", ")
                         : fmt::format("did you mean \"{}\"?", guess));
    }
  }
}

std::string Parser::string(const YAML::Node& map, const std::string& path, const char* key,
                           bool required) const {
  const auto node = map[key];
  const auto p = path.empty() ? std::string(key) : path + "." + key;
  if (!node || node.IsNull()) {
    if (required)
      fail(map, fmt::format("{} is required", p));
    return {};
  }
  if (!node.IsScalar())
    fail(node, fmt::format("{} must be a string", p));
  if (required && util::trim(node.Scalar()).empty())
    fail(node, fmt::format("{} must not be empty", p));
  return node.Scalar();
}

std::string Parser::choice(const YAML::Node& map, const std::string& path, const char* key,
                           std::initializer_list<std::string_view> choices,
                           std::string fallback) const {
  auto value = string(map, path, key, false);
  if (value.empty())
    return fallback;
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    std::vector<std::string> names(choices.begin(), choices.end());
    fail(map[key], fmt::format("{}.{} is \"{}\"", path.empty() ? "" : path, key, value),
         "write one of: " + util::join(names, ", "));
  }
  return value;
}

std::uint64_t Parser::number(const YAML::Node& node, const std::string& path) const {
  std::uint64_t n = 0;
  const auto text = node.IsScalar() ? node.Scalar() : std::string();
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    fail(node, fmt::format("{} must be a whole number", path));
  return n;
}

std::vector<std::string> Parser::strings(const YAML::Node& map, const std::string& path,
                                         const char* key) const {
  std::vector<std::string> out;
  const auto node = map[key];
  if (!node || node.IsNull())
    return out;
  if (!node.IsSequence())
    fail(node, fmt::format("{}.{} must be a list of strings", path, key));
  for (const auto& item : node) {
    if (!item.IsScalar())
      fail(item, fmt::format("{}.{} must be a list of strings", path, key));
    out.push_back(item.Scalar());
  }
  return out;
}

void Parser::file_name_part(const YAML::Node& node, const std::string& field,
                            const std::string& value, bool valid, std::string_view rule) const {
  if (!valid)
    fail(node,
         fmt::format("{} {} cannot be part of a package file name", field, util::quoted(value)),
         std::string(rule));
}

Manifest Parser::document(const YAML::Node& root) const {
  mapping(root, "", {"apiVersion", "kind", "metadata", "spec"});
  if (auto api = string(root, "", "apiVersion", true); api != k_api_version)
    fail(root["apiVersion"], fmt::format("apiVersion \"{}\" is not supported", api),
         fmt::format("write apiVersion: {}", k_api_version));
  if (auto kind = string(root, "", "kind", true); kind != k_kind)
    fail(root["kind"], fmt::format("kind \"{}\" is not a package", kind),
         fmt::format("write kind: {}", k_kind));
  Manifest m;
  const auto metadata = root["metadata"];
  if (!metadata)
    fail(root, "metadata is required", "add metadata: {name: core}");
  mapping(metadata, "metadata", {"name"});
  m.name = string(metadata, "metadata", "name", true);
  file_name_part(metadata["name"], "metadata.name", m.name, valid_component_name(m.name),
                 k_component_name_rule);
  const auto spec = root["spec"];
  if (!spec)
    fail(root, "spec is required");
  mapping(spec, "spec",
          {"type", "version", "arch", "channel", "lifecycle", "platformVersions", "baseVersion",
           "components", "images"});
  m.type = choice(spec, "spec", "type", {"core", "operator", "cluster-plugin", "patch"}, "");
  if (m.type.empty())
    fail(spec, "spec.type is required", "write type: core | operator | cluster-plugin | patch");
  m.version = string(spec, "spec", "version", true);
  if (m.version.starts_with('v'))
    fail(spec["version"], "spec.version starts with \"v\"", "write the bare version: 4.0.2");
  file_name_part(spec["version"], "spec.version", m.version, valid_component_version(m.version),
                 k_component_version_rule);
  m.arch = choice(spec, "spec", "arch", {"amd64", "arm64", "ALL"}, "");
  if (m.arch.empty())
    fail(spec, "spec.arch is required", "write arch: amd64 | arm64 | ALL");
  m.channel = string(spec, "spec", "channel", m.type == "operator");
  if (!m.channel.empty())
    file_name_part(spec["channel"], "spec.channel", m.channel, valid_component_name(m.channel),
                   k_component_name_rule);
  m.lifecycle = choice(spec, "spec", "lifecycle", {"core", "aligned", "agnostic"}, "core");
  m.platform_versions = strings(spec, "spec", "platformVersions");
  m.base_version = string(spec, "spec", "baseVersion", m.type == "patch");
  const auto components = spec["components"];
  if (!components || !components.IsSequence() || components.size() == 0)
    fail(components ? components : spec, "spec.components must be a non-empty list");
  std::set<std::string> names;
  for (std::size_t i = 0; i < components.size(); ++i) {
    auto c = component(components[i], fmt::format("spec.components[{}]", i));
    if (!names.insert(c.name).second)
      fail(components[i], fmt::format("component \"{}\" is listed twice", c.name));
    m.components.push_back(std::move(c));
  }
  if (const auto images = spec["images"]; images && !images.IsNull()) {
    mapping(images, "spec.images", {"files"});
    m.image_files = files(images, "spec.images");
  }
  return m;
}

} // namespace detail

Result<Manifest> parse_manifest(std::string_view yaml, const std::string& source, bool definition) {
  if (yaml.find('\0') != std::string_view::npos)
    return Error(Errc::invalid_input, "it is a binary file, not YAML").at(Location{source, 0, 0});
  detail::Parser parser(source, definition);
  try {
    const auto root = YAML::Load(std::string(yaml));
    if (!root || root.IsNull())
      return Error(Errc::invalid_input, "the manifest is empty")
          .at(Location{source, 0, 0})
          .with_hint("see docs/package-format.md");
    auto manifest = parser.document(root);
    parser.check_entries(manifest, root);
    if (!definition)
      if (auto problem = detail::layout_problem(manifest); !problem.empty())
        parser.fail(root, problem,
                    "image blobs are named by their sha256; see docs/package-format.md");
    return manifest;
  } catch (detail::Bad& bad) {
    return std::move(bad.error);
  } catch (const YAML::Exception& e) {
    return Error(Errc::invalid_input, e.msg)
        .at(Location{source, e.mark.is_null() ? 0 : e.mark.line + 1,
                     e.mark.is_null() ? 0 : e.mark.column + 1});
  }
}

} // namespace acp::package
