// Manifest helpers: ACP file names, file lists, component digests, path rules.

#include "acpctl/package/manifest.hpp"

#include "acpctl/util/hash.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace acp::package {

std::string Manifest::file_name(bool zstd) const {
  const char* ext = zstd ? "tzst" : "tgz";
  if (type == "operator")
    return fmt::format("{}.{}.{}.v{}.{}", name, channel, arch, version, ext);
  return fmt::format("{}.{}.v{}.{}", name, arch, version, ext);
}

std::vector<const FileEntry*> Manifest::all_files() const {
  std::vector<const FileEntry*> out;
  for (const auto& c : components)
    for (const auto& f : c.files)
      out.push_back(&f);
  for (const auto& f : image_files)
    out.push_back(&f);
  return out;
}

std::uint64_t Manifest::total_size() const {
  std::uint64_t total = 0;
  for (const auto* f : all_files())
    total += f->size;
  return total;
}

const Component* Manifest::find_component(std::string_view wanted) const {
  for (const auto& c : components)
    if (c.name == wanted)
      return &c;
  return nullptr;
}

std::string Component::digest() const {
  return digest_of(true);
}

std::string Component::content_digest() const {
  return digest_of(false);
}

std::string Component::digest_of(bool with_version) const {
  // A canonical text of everything that changes what lands on a node; NUL-separated so no
  // two different components share it.
  util::Sha256 hash;
  auto add = [&](std::string_view s) {
    hash.update(s);
    hash.update(std::string_view("\0", 1));
  };
  add(name);
  if (with_version)
    add(version);
  for (const auto& r : roles)
    add("role=" + r);
  for (const auto& f : files)
    add(fmt::format("file={} {:o} {} {} {}", f.path, f.mode, f.size, f.sha256, f.symlink));
  for (const auto& i : images)
    add(fmt::format("image={} {}", i.ref, i.digest));
  if (service) {
    for (const auto& a : service->command)
      add("cmd=" + a);
    add("user=" + service->user);
    for (const auto& [k, v] : service->environment)
      add("env=" + k + "=" + v);
    if (service->health_check) {
      for (const auto& a : service->health_check->command)
        add("health=" + a);
      add(fmt::format("health-timing={} {}", service->health_check->interval_seconds,
                      service->health_check->timeout_seconds));
      // Added only when declared, so components without them keep their digests.
      if (service->health_check->start_seconds)
        add(fmt::format("health-start={}", *service->health_check->start_seconds));
    }
    add("restart=" + service->restart);
    if (!service->ports.empty())
      add(fmt::format("ports={}", fmt::join(service->ports, ",")));
  }
  return hash.hex_digest();
}

bool Component::wanted_by(const std::vector<std::string>& node_roles) const {
  if (roles.empty())
    return true;
  return std::any_of(roles.begin(), roles.end(), [&](const std::string& r) {
    return std::find(node_roles.begin(), node_roles.end(), r) != node_roles.end();
  });
}

std::string path_problem(std::string_view path) {
  if (path.empty())
    return "is empty";
  if (path.size() > 4096)
    return "is longer than 4096 bytes";
  if (path.find('\0') != std::string_view::npos)
    return "contains a NUL byte";
  if (path.front() == '/')
    return "is an absolute path";
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos)
      end = path.size();
    const auto part = path.substr(start, end - start);
    if (part == "..")
      return "has a \"..\" component";
    if (part == ".")
      return "has a \".\" component";
    if (part.empty() && end != path.size())
      return "has an empty component (\"//\")";
    if (part.empty() && end == path.size() && start != 0)
      return "ends with \"/\"";
    start = end + 1;
  }
  return {};
}

} // namespace acp::package
