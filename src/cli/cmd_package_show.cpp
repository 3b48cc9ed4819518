// acpctl package show FILE [--all]: what a package holds, from its manifest alone.

#include "acpctl/package/open.hpp"
#include "acpctl/util/strings.hpp"
#include "output.hpp"
#include "package_verbs.hpp"

#include <fmt/format.h>
#include <memory>

namespace acp::cli {

namespace {

nlohmann::json files_json(const std::vector<package::FileEntry>& files) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : files) {
    nlohmann::json j = {{"path", f.path}};
    if (f.is_symlink())
      j["symlink"] = f.symlink;
    else
      j.update({{"size", f.size}, {"mode", fmt::format("{:04o}", f.mode)}, {"sha256", f.sha256}});
    out.push_back(j);
  }
  return out;
}

void print_manifest(const package::Manifest& m, bool all) {
  fmt::print("Name:       {}\nType:       {}\nArch:       {}\nVersion:    {}\nLifecycle:  {}\n",
             m.name, m.type, m.arch, m.version, m.lifecycle);
  if (!m.channel.empty())
    fmt::print("Channel:    {}\n", m.channel);
  if (!m.base_version.empty())
    fmt::print("Applies to: {}\n", m.base_version);
  if (!m.platform_versions.empty())
    fmt::print("Platform:   {}\n", util::join(m.platform_versions, ", "));
  fmt::print("Size:       {}\nComponents:\n", util::human_bytes(m.total_size()));
  for (const auto& c : m.components) {
    fmt::print("  {:<20} {:<12} roles: {}\n", c.name, c.version,
               c.roles.empty() ? std::string("all") : util::join(c.roles, ","));
    for (const auto& i : c.images)
      fmt::print("    image {}@{}\n", i.ref, i.digest);
    if (all)
      for (const auto& f : c.files)
        fmt::print("    {}\n", f.is_symlink() ? fmt::format("{} -> {}", f.path, f.symlink)
                                              : fmt::format("{:04o} {:>12} {} {}", f.mode, f.size,
                                                            f.sha256.substr(0, 16), f.path));
  }
}

} // namespace

nlohmann::json manifest_json(const package::Manifest& m, bool all) {
  nlohmann::json components = nlohmann::json::array();
  for (const auto& c : m.components) {
    nlohmann::json images = nlohmann::json::array();
    for (const auto& i : c.images)
      images.push_back({{"ref", i.ref}, {"digest", i.digest}});
    nlohmann::json j = {{"name", c.name},
                        {"version", c.version},
                        {"roles", c.roles},
                        {"digest", c.digest()},
                        {"images", images}};
    if (all)
      j["files"] = files_json(c.files);
    components.push_back(j);
  }
  nlohmann::json j = {{"name", m.name},           {"type", m.type},
                      {"arch", m.arch},           {"version", m.version},
                      {"lifecycle", m.lifecycle}, {"platformVersions", m.platform_versions},
                      {"size", m.total_size()},   {"components", components}};
  if (!m.channel.empty())
    j["channel"] = m.channel;
  if (!m.base_version.empty())
    j["baseVersion"] = m.base_version;
  return j;
}

void add_package_show(App& app, CLI::App* package) {
  auto* cmd =
      package->add_subcommand("show", "Print what a package holds (reads only its manifest)");
  auto file = std::make_shared<std::string>();
  auto all = std::make_shared<bool>(false);
  app.path_option(cmd->add_option("FILE", *file, "The package")->required());
  cmd->add_flag("--all", *all, "List every file too");
  app.on(cmd, [&app, file, all] {
    auto opened = package::open_package(*file).take();
    if (app.globals().json())
      print_json({{"schema", k_json_schema},
                  {"compression", opened.compression},
                  {"manifest", manifest_json(opened.manifest, *all)}});
    else
      print_manifest(opened.manifest, *all);
    return k_exit_ok;
  });
}

} // namespace acp::cli
