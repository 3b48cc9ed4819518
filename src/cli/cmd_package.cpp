// acpctl package {build,keygen,show,verify,unpack}: air-gapped packages. This file parses and
// prints; the work is in the package layer.

#include "acpctl/package/build.hpp"
#include "acpctl/package/open.hpp"
#include "acpctl/package/sign.hpp"
#include "acpctl/package/verify.hpp"
#include "acpctl/util/strings.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"

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

struct VerifyArgs {
  std::string file;
  std::string key;
  bool require_checksum = false;
  std::string max_size;
};

void add_verify_flags(App& app, CLI::App* cmd, VerifyArgs& a) {
  app.path_option(cmd->add_option("FILE", a.file, "The package")->required());
  app.path_option(cmd->add_option("--key", a.key, "Check FILE.sig with this public key (PEM)"));
  cmd->add_flag("--require-checksum", a.require_checksum, "Fail when FILE.sha256 is missing");
  cmd->add_option("--max-size", a.max_size,
                  "Refuse packages whose files add up to more (e.g. 100GiB; default 64GiB)");
}

std::uint64_t parse_size(const std::string& text) {
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const auto unit = text.substr(used);
  const double scale = unit.empty() || unit == "B" ? 1.0
                       : unit == "KiB"             ? 1024.0
                       : unit == "MiB"             ? 1048576.0
                       : unit == "GiB"             ? 1073741824.0
                       : unit == "TiB"             ? 1099511627776.0
                                                   : -1.0;
  if (used == 0 || scale < 0 || number <= 0)
    throw Failure(Error(Errc::usage, fmt::format("--max-size \"{}\" is not a size", text))
                      .with_hint("write a number with B, KiB, MiB, GiB or TiB, e.g. 100GiB"));
  return static_cast<std::uint64_t>(number * scale);
}

package::VerifyOptions verify_options(const VerifyArgs& a) {
  package::VerifyOptions o;
  if (!a.key.empty())
    o.public_key = a.key;
  o.require_checksum = a.require_checksum;
  if (!a.max_size.empty())
    o.max_total = parse_size(a.max_size);
  return o;
}

nlohmann::json report_json(const package::VerifyReport& r) {
  return {{"package", r.manifest.name},
          {"version", r.manifest.version},
          {"sha256", r.package_sha256},
          {"checksumChecked", r.checksum_checked},
          {"signatureChecked", r.signature_checked},
          {"entries", r.entries},
          {"bytes", r.bytes},
          {"written", r.written}};
}

std::string report_text(const package::VerifyReport& r) {
  return fmt::format("{} {}: {} files, {} verified; checksum {}, signature {}", r.manifest.name,
                     r.manifest.version, r.entries, util::human_bytes(r.bytes),
                     r.checksum_checked ? "ok" : "not checked (no .sha256)",
                     r.signature_checked ? "ok" : "not checked (no --key)");
}

} // namespace

void add_package_command(App& app) {
  auto* pkg = app.root().add_subcommand("package", "Build, inspect, verify and unpack packages");
  pkg->require_subcommand(1);

  auto* build = pkg->add_subcommand("build", "Build a package from a definition directory");
  auto b = std::make_shared<std::tuple<std::string, std::string, std::string, std::string, int>>();
  app.path_option(build
                      ->add_option("DIR", std::get<0>(*b),
                                   "Definition directory (package.yaml "
                                   "and files)")
                      ->required(),
                  ValueKind::directory);
  app.path_option(build
                      ->add_option("-o,--out", std::get<1>(*b),
                                   "Package file, or a directory for the ACP file name")
                      ->required());
  app.path_option(build->add_option("--sign-key", std::get<2>(*b), "Ed25519 private key (PEM)"));
  app.choice_option(build->add_option("--compression", std::get<3>(*b),
                                      "gzip or zstd (default: from the file name, else gzip)"),
                    {"gzip", "zstd"});
  build->add_option("--level", std::get<4>(*b), "Compression level (default: the filter's)");
  app.on(build, [&app, b] {
    package::BuildOptions o{std::get<0>(*b), std::get<1>(*b), std::nullopt, std::get<4>(*b), {}};
    if (!std::get<2>(*b).empty())
      o.sign_key = std::get<2>(*b);
    if (!std::get<3>(*b).empty())
      o.compression =
          std::get<3>(*b) == "zstd" ? package::Compression::zstd : package::Compression::gzip;
    auto r = package::build(o).take();
    if (app.globals().json()) {
      print_json({{"schema", k_json_schema},
                  {"package", r.package.string()},
                  {"sha256", r.package_sha256},
                  {"checksumFile", r.checksum.string()},
                  {"signatureFile", r.signature.string()},
                  {"manifest", manifest_json(r.manifest, false)}});
    } else {
      fmt::print("{}\n{}\n", r.package.string(), r.checksum.string());
      if (!r.signature.empty())
        fmt::print("{}\n", r.signature.string());
    }
    return k_exit_ok;
  });

  auto* keygen = pkg->add_subcommand("keygen", "Make an Ed25519 key pair for signing packages");
  auto prefix = std::make_shared<std::string>();
  app.path_option(
      keygen->add_option("-o,--out", *prefix, "Writes PREFIX.key and PREFIX.pub")->required());
  app.on(keygen, [prefix] {
    package::generate_key_pair(*prefix).take();
    fmt::print("{}.key (private, keep it off the air-gapped side)\n{}.pub\n", *prefix, *prefix);
    return k_exit_ok;
  });

  auto* show = pkg->add_subcommand("show", "Print what a package holds (reads only its manifest)");
  auto s = std::make_shared<std::pair<std::string, bool>>();
  app.path_option(show->add_option("FILE", s->first, "The package")->required());
  show->add_flag("--all", s->second, "List every file too");
  app.on(show, [&app, s] {
    auto opened = package::open_package(s->first).take();
    if (app.globals().json())
      print_json({{"schema", k_json_schema},
                  {"compression", opened.compression},
                  {"manifest", manifest_json(opened.manifest, s->second)}});
    else
      print_manifest(opened.manifest, s->second);
    return k_exit_ok;
  });

  auto* verify =
      pkg->add_subcommand("verify", "Check checksum, signature and every file in one pass");
  auto v = std::make_shared<VerifyArgs>();
  add_verify_flags(app, verify, *v);
  app.on(verify, [&app, v] {
    auto r = package::verify(v->file, verify_options(*v)).take();
    if (app.globals().json())
      print_json({{"schema", k_json_schema}, {"verified", true}, {"report", report_json(r)}});
    else
      fmt::print("{}: verified — {}\n", v->file, report_text(r));
    return k_exit_ok;
  });

  auto* unpack = pkg->add_subcommand("unpack", "Verify and extract a package in one pass");
  auto u =
      std::make_shared<std::pair<VerifyArgs, std::pair<std::string, std::vector<std::string>>>>();
  add_verify_flags(app, unpack, u->first);
  app.path_option(unpack
                      ->add_option("-C,--directory", u->second.first,
                                   "Directory to create (must not exist, or be empty)")
                      ->required(),
                  ValueKind::directory);
  unpack->add_option("--component", u->second.second, "Only this component (repeatable)");
  app.on(unpack, [&app, u] {
    package::UnpackOptions o;
    static_cast<package::VerifyOptions&>(o) = verify_options(u->first);
    o.components = u->second.second;
    auto r = package::unpack(u->first.file, u->second.first, o).take();
    if (app.globals().json())
      print_json(
          {{"schema", k_json_schema}, {"unpacked", u->second.first}, {"report", report_json(r)}});
    else
      fmt::print("{}: unpacked into {} — {}\n", u->first.file, u->second.first, report_text(r));
    return k_exit_ok;
  });
}

} // namespace acp::cli
