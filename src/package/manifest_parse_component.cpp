// package.yaml → Manifest, the components: name, version, files, images and the service with
// its health check and ports.

#include "acpctl/util/strings.hpp"
#include "manifest_parser.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::package::detail {

Component Parser::component(const YAML::Node& node, const std::string& path) const {
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
        fail(node["files"][i]["symlink"],
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

Service Parser::service(const YAML::Node& node, const std::string& path) const {
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
        fail(kv.second, fmt::format("{}.environment.{} must be a string", path, kv.first.Scalar()));
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

int Parser::seconds(const YAML::Node& node, const std::string& path) const {
  const auto n = number(node, path);
  if (n < 1 || n > 3600)
    fail(node, fmt::format("{} must be between 1 and 3600 (seconds), not {}", path, n));
  return static_cast<int>(n);
}

std::vector<int> Parser::ports(const YAML::Node& map, const std::string& path) const {
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

} // namespace acp::package::detail
