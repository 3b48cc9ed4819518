// acpctl package verify FILE and package unpack FILE -C DIR: checksum, signature and every
// file checked in one pass; unpack writes only what verified.

#include "acpctl/package/verify.hpp"
#include "acpctl/util/strings.hpp"
#include "output.hpp"
#include "package_verbs.hpp"

#include <cmath>
#include <fmt/format.h>
#include <memory>

namespace acp::cli {

namespace {

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
    used = 0; // not a number, or out of the range of a double
  }
  const auto unit = text.substr(used);
  const double scale = unit.empty() || unit == "B" ? 1.0
                       : unit == "KiB"             ? 1024.0
                       : unit == "MiB"             ? 1048576.0
                       : unit == "GiB"             ? 1073741824.0
                       : unit == "TiB"             ? 1099511627776.0
                                                   : -1.0;
  // "inf" and "nan" parse as doubles; !(number > 0) also catches NaN.
  if (used == 0 || scale < 0 || !(number > 0) || !std::isfinite(number))
    throw Failure(
        Error(Errc::usage, fmt::format("--max-size {} is not a size", util::quoted(text, 40)))
            .with_hint("write a number with B, KiB, MiB, GiB or TiB, e.g. 100GiB"));
  // Converting a double of 2^64 or more to uint64_t is undefined (in practice it wraps to 0).
  if (number * scale >= 0x1p64)
    throw Failure(
        Error(Errc::usage, fmt::format("--max-size {} is too large", util::quoted(text, 40)))
            .with_hint("give at most 16777215TiB, e.g. 100GiB"));
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

struct UnpackArgs {
  VerifyArgs verify;
  std::string directory;
  std::vector<std::string> components;
  bool images = false;
};

} // namespace

void add_package_verify(App& app, CLI::App* package) {
  auto* cmd =
      package->add_subcommand("verify", "Check checksum, signature and every file in one pass");
  auto v = std::make_shared<VerifyArgs>();
  add_verify_flags(app, cmd, *v);
  app.on(cmd, [&app, v] {
    auto r = package::verify(v->file, verify_options(*v)).take();
    if (app.globals().json())
      print_json({{"schema", k_json_schema}, {"verified", true}, {"report", report_json(r)}});
    else
      fmt::print("{}: verified — {}\n", v->file, report_text(r));
    return k_exit_ok;
  });
}

void add_package_unpack(App& app, CLI::App* package) {
  auto* cmd = package->add_subcommand("unpack", "Verify and extract a package in one pass");
  auto u = std::make_shared<UnpackArgs>();
  add_verify_flags(app, cmd, u->verify);
  app.path_option(cmd->add_option("-C,--directory", u->directory,
                                  "Directory to create (must not exist, or be empty)")
                      ->required(),
                  ValueKind::directory);
  cmd->add_option("--component", u->components, "Only this component (repeatable)");
  cmd->add_flag("--images", u->images,
                "Also the image layout (images/); without --component only the layout");
  app.on(cmd, [&app, u] {
    package::UnpackOptions o;
    static_cast<package::VerifyOptions&>(o) = verify_options(u->verify);
    o.components = u->components;
    o.images = u->images;
    auto r = package::unpack(u->verify.file, u->directory, o).take();
    if (app.globals().json())
      print_json(
          {{"schema", k_json_schema}, {"unpacked", u->directory}, {"report", report_json(r)}});
    else
      fmt::print("{}: unpacked into {} — {}\n", u->verify.file, u->directory, report_text(r));
    return k_exit_ok;
  });
}

} // namespace acp::cli
