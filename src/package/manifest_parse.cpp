// package.yaml → Manifest. Stops at the first problem and names file, line and column, with
// what to write instead.

#include "acpctl/package/manifest.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <initializer_list>
#include <set>
#include <yaml-cpp/yaml.h>

namespace acp::package {

namespace {

// Thrown inside the parser only; parse_manifest turns it into an Error.
struct Bad {
  Error error;
};

class Parser {
public:
  Parser(std::string source, bool definition) : m_source(std::move(source)), m_def(definition) {}

  [[noreturn]] void fail(const YAML::Node& at, std::string message, std::string hint = {}) const {
    Location where{m_source, 0, 0};
    if (const auto mark = at.Mark(); !mark.is_null())
      where = Location{m_source, mark.line + 1, mark.column + 1};
    throw Bad{Error(Errc::invalid_input, std::move(message)).at(where).with_hint(std::move(hint))};
  }

  void mapping(const YAML::Node& node, const std::string& path,
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

  std::string string(const YAML::Node& map, const std::string& path, const char* key,
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

  std::string choice(const YAML::Node& map, const std::string& path, const char* key,
                     std::initializer_list<std::string_view> choices, std::string fallback) const {
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

  std::uint64_t number(const YAML::Node& node, const std::string& path) const {
    std::uint64_t n = 0;
    const auto text = node.IsScalar() ? node.Scalar() : std::string();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
      fail(node, fmt::format("{} must be a whole number", path));
    return n;
  }

  std::vector<std::string> strings(const YAML::Node& map, const std::string& path,
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

  FileEntry file(const YAML::Node& node, const std::string& path) const {
    mapping(node, path, {"path", "size", "mode", "sha256", "symlink", "directory"});
    FileEntry f;
    f.path = string(node, path, "path", false);
    const auto directory = string(node, path, "directory", false);
    if (!directory.empty()) {
      if (!m_def || !f.path.empty())
        fail(node,
             fmt::format("{}: directory is only allowed alone, in a package definition", path),
             "list each file with path, size, mode and sha256");
      if (auto problem = path_problem(directory); !problem.empty())
        fail(node["directory"], fmt::format("{}.directory {}", path, problem));
      f.path = directory + "/"; // expanded by build
      return f;
    }
    if (f.path.empty())
      fail(node, fmt::format("{}.path is required", path));
    if (auto problem = path_problem(f.path); !problem.empty())
      fail(node["path"], fmt::format("{}.path {} {}", path, util::quoted(f.path), problem),
           "paths are relative to the package root, without \"..\"");
    f.symlink = string(node, path, "symlink", false);
    if (const auto mode = node["mode"]; mode && !mode.IsNull()) {
      const auto text = mode.IsScalar() ? mode.Scalar() : std::string();
      unsigned value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 8);
      if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value > 07777)
        fail(mode, fmt::format("{}.mode must be an octal mode such as \"0755\"", path));
      if ((value & 06000) != 0)
        fail(mode, fmt::format("{}.mode {} sets setuid or setgid on {}", path, text, f.path),
             "packages may not carry setuid or setgid files");
      f.mode = value & 0777;
    } else if (!m_def && !f.is_symlink()) {
      fail(node, fmt::format("{}.mode is required", path));
    }
    if (f.is_symlink())
      return f;
    if (const auto size = node["size"]; size && !size.IsNull())
      f.size = number(size, path + ".size");
    else if (!m_def)
      fail(node, fmt::format("{}.size is required", path));
    f.sha256 = string(node, path, "sha256", !m_def);
    if (!f.sha256.empty() && (f.sha256.size() != 64 ||
                              f.sha256.find_first_not_of("0123456789abcdef") != std::string::npos))
      fail(node["sha256"], fmt::format("{}.sha256 must be 64 lower-case hex characters", path));
    return f;
  }

  std::vector<FileEntry> files(const YAML::Node& map, const std::string& path) const {
    std::vector<FileEntry> out;
    const auto node = map["files"];
    if (!node || node.IsNull())
      return out;
    if (!node.IsSequence())
      fail(node, fmt::format("{}.files must be a list", path));
    for (std::size_t i = 0; i < node.size(); ++i)
      out.push_back(file(node[i], fmt::format("{}.files[{}]", path, i)));
    return out;
  }

  Service service(const YAML::Node& node, const std::string& path) const {
    mapping(node, path, {"command", "user", "environment", "healthCheck", "restart", "ports"});
    Service s;
    s.command = strings(node, path, "command");
    if (s.command.empty())
      fail(node, fmt::format("{}.command is required", path), "write command: [bin/name, --flag]");
    if (auto user = string(node, path, "user", false); !user.empty())
      s.user = user;
    if (const auto env = node["environment"]; env && !env.IsNull()) {
      if (!env.IsMap())
        fail(env, fmt::format("{}.environment must be a mapping NAME: value", path));
      for (const auto& kv : env) {
        if (!kv.second.IsScalar())
          fail(kv.second,
               fmt::format("{}.environment.{} must be a string", path, kv.first.Scalar()));
        s.environment[kv.first.Scalar()] = kv.second.Scalar();
      }
    }
    if (const auto hc = node["healthCheck"]; hc && !hc.IsNull()) {
      const auto p = path + ".healthCheck";
      mapping(hc, p, {"command", "intervalSeconds", "timeoutSeconds", "startSeconds"});
      HealthCheck h;
      h.command = strings(hc, p, "command");
      if (h.command.empty())
        fail(hc, fmt::format("{}.command is required", p));
      if (hc["intervalSeconds"])
        h.interval_seconds = seconds(hc["intervalSeconds"], p + ".intervalSeconds");
      if (hc["timeoutSeconds"])
        h.timeout_seconds = seconds(hc["timeoutSeconds"], p + ".timeoutSeconds");
      if (hc["startSeconds"])
        h.start_seconds = seconds(hc["startSeconds"], p + ".startSeconds");
      s.health_check = h;
    }
    s.restart = choice(node, path, "restart", {"always", "on-failure", "never"}, "always");
    s.ports = ports(node, path);
    return s;
  }

  // A duration in whole seconds, 1 to 3600.
  int seconds(const YAML::Node& node, const std::string& path) const {
    const auto n = number(node, path);
    if (n < 1 || n > 3600)
      fail(node, fmt::format("{} must be between 1 and 3600 (seconds), not {}", path, n));
    return static_cast<int>(n);
  }

  std::vector<int> ports(const YAML::Node& map, const std::string& path) const {
    std::vector<int> out;
    const auto node = map["ports"];
    if (!node || node.IsNull())
      return out;
    if (!node.IsSequence())
      fail(node, fmt::format("{}.ports must be a list of TCP port numbers", path),
           "write ports: [8080, 8443]");
    for (std::size_t i = 0; i < node.size(); ++i) {
      const auto p = fmt::format("{}.ports[{}]", path, i);
      const auto n = number(node[i], p);
      if (n < 1 || n > 65535)
        fail(node[i], fmt::format("{} must be a TCP port from 1 to 65535, not {}", p, n));
      if (std::find(out.begin(), out.end(), static_cast<int>(n)) != out.end())
        fail(node[i], fmt::format("{} lists port {} twice", p, n), "keep only one");
      out.push_back(static_cast<int>(n));
    }
    return out;
  }

  // The package's name, version and channel make its file name (name.arch.vVERSION.tgz): they
  // follow the component rules so that no file name leaves the output directory.
  void file_name_part(const YAML::Node& node, const std::string& field, const std::string& value,
                      bool valid, std::string_view rule) const {
    if (!valid)
      fail(node,
           fmt::format("{} {} cannot be part of a package file name", field, util::quoted(value)),
           std::string(rule));
  }

  Component component(const YAML::Node& node, const std::string& path) const {
    mapping(node, path, {"name", "version", "roles", "files", "images", "service"});
    Component c;
    c.name = string(node, path, "name", true);
    if (!valid_component_name(c.name))
      fail(node["name"],
           fmt::format("{}.name {} is not a component name", path, util::quoted(c.name)),
           fmt::format("it becomes a directory on every node: {}", k_component_name_rule));
    c.version = string(node, path, "version", true);
    if (!valid_component_version(c.version))
      fail(node["version"],
           fmt::format("{}.version {} of component {} is not a component version", path,
                       util::quoted(c.version), c.name),
           fmt::format("it becomes a directory on every node: {}", k_component_version_rule));
    c.roles = strings(node, path, "roles");
    c.files = files(node, path);
    for (std::size_t i = 0; i < c.files.size(); ++i)
      if (const auto& f = c.files[i]; f.is_symlink())
        if (auto problem = symlink_problem(component_relative_path(c, f.path), f.symlink);
            !problem.empty())
          fail(
              node["files"][i]["symlink"],
              fmt::format("{}.files[{}].symlink {} of {} {}", path, i, util::quoted(f.symlink),
                          util::quoted(f.path), problem),
              fmt::format("a symlink of component {} points to a relative path inside it", c.name));
    if (const auto images = node["images"]; images && !images.IsNull()) {
      if (!images.IsSequence())
        fail(images, fmt::format("{}.images must be a list", path));
      for (std::size_t i = 0; i < images.size(); ++i) {
        const auto p = fmt::format("{}.images[{}]", path, i);
        mapping(images[i], p, {"ref", "digest"});
        Image image{string(images[i], p, "ref", true), string(images[i], p, "digest", true)};
        if (!image.digest.starts_with("sha256:") || image.digest.size() != 71)
          fail(images[i]["digest"], fmt::format("{}.digest must be sha256:<64 hex>", p));
        c.images.push_back(std::move(image));
      }
    }
    if (const auto svc = node["service"]; svc && !svc.IsNull())
      c.service = service(svc, path + ".service");
    return c;
  }

  Manifest document(const YAML::Node& root) const {
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

  void check_entries(const Manifest& m, const YAML::Node& root) const {
    // Every path once; no path below another entry (a file cannot be a directory too); a
    // symlink's target stays inside the package and does not pass through another symlink.
    std::map<std::string, const FileEntry*> paths;
    for (const auto* f : m.all_files()) {
      if (f->path.ends_with('/'))
        continue;
      if (f->path == k_manifest_name)
        fail(root, fmt::format("{} is the manifest's own name; a file cannot use it", f->path));
      if (!paths.emplace(f->path, f).second)
        fail(root, fmt::format("file \"{}\" is listed twice", f->path), "list each file once");
    }
    for (const auto& [path, f] : paths) {
      for (auto slash = path.find('/'); slash != std::string::npos;
           slash = path.find('/', slash + 1))
        if (paths.contains(path.substr(0, slash)))
          fail(root, fmt::format("\"{}\" is below the file \"{}\"", path, path.substr(0, slash)));
      if (!f->is_symlink())
        continue;
      if (f->symlink.starts_with('/'))
        fail(root, fmt::format("symlink \"{}\" points to the absolute path {}, outside the package",
                               path, f->symlink));
      auto dir = util::split(path, '/');
      dir.pop_back();
      for (const auto& part : util::split(f->symlink, '/')) {
        if (part == "..") {
          if (dir.empty())
            fail(root,
                 fmt::format("symlink \"{}\" -> {} points outside the package", path, f->symlink));
          dir.pop_back();
        } else if (!part.empty() && part != ".") {
          dir.push_back(part);
          if (auto it = paths.find(util::join(dir, "/"));
              it != paths.end() && it->second->is_symlink())
            fail(root, fmt::format("symlink \"{}\" -> {} passes through the symlink \"{}\"", path,
                                   f->symlink, it->first));
        }
      }
    }
  }

private:
  std::string m_source;
  bool m_def;
};

} // namespace

Result<Manifest> parse_manifest(std::string_view yaml, const std::string& source, bool definition) {
  if (yaml.find('\0') != std::string_view::npos)
    return Error(Errc::invalid_input, "it is a binary file, not YAML").at(Location{source, 0, 0});
  Parser parser(source, definition);
  try {
    const auto root = YAML::Load(std::string(yaml));
    if (!root || root.IsNull())
      return Error(Errc::invalid_input, "the manifest is empty")
          .at(Location{source, 0, 0})
          .with_hint("see docs/package-format.md");
    auto manifest = parser.document(root);
    parser.check_entries(manifest, root);
    return manifest;
  } catch (Bad& bad) {
    return std::move(bad.error);
  } catch (const YAML::Exception& e) {
    return Error(Errc::invalid_input, e.msg)
        .at(Location{source, e.mark.is_null() ? 0 : e.mark.line + 1,
                     e.mark.is_null() ? 0 : e.mark.column + 1});
  }
}

} // namespace acp::package
