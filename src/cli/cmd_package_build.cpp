// acpctl package build DIR -o OUT [--sign-key K] and package keygen -o PREFIX.

#include "acpctl/package/build.hpp"
#include "acpctl/package/sign.hpp"
#include "output.hpp"
#include "package_verbs.hpp"

#include <fmt/format.h>
#include <memory>

namespace acp::cli {

namespace {

struct BuildArgs {
  std::string dir;
  std::string out;
  std::string sign_key;
  std::string compression;
  int level = 0;
};

int run_build(const App& app, const BuildArgs& a) {
  package::BuildOptions o{a.dir, a.out, std::nullopt, a.level, {}};
  if (!a.sign_key.empty())
    o.sign_key = a.sign_key;
  if (!a.compression.empty())
    o.compression =
        a.compression == "zstd" ? package::Compression::zstd : package::Compression::gzip;
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
}

} // namespace

void add_package_build(App& app, CLI::App* package) {
  auto* cmd = package->add_subcommand("build", "Build a package from a definition directory");
  auto a = std::make_shared<BuildArgs>();
  app.path_option(
      cmd->add_option("DIR", a->dir, "Definition directory (package.yaml and files)")->required(),
      ValueKind::directory);
  app.path_option(
      cmd->add_option("-o,--out", a->out, "Package file, or a directory for the ACP file name")
          ->required());
  app.path_option(cmd->add_option("--sign-key", a->sign_key, "Ed25519 private key (PEM)"));
  app.choice_option(cmd->add_option("--compression", a->compression,
                                    "gzip or zstd (default: from the file name, else gzip)"),
                    {"gzip", "zstd"});
  cmd->add_option("--level", a->level, "Compression level (default: the filter's)")
      ->check(whole_number(0, 22));
  app.on(cmd, [&app, a] { return run_build(app, *a); });
}

void add_package_keygen(App& app, CLI::App* package) {
  auto* cmd = package->add_subcommand("keygen", "Make an Ed25519 key pair for signing packages");
  auto prefix = std::make_shared<std::string>();
  app.path_option(
      cmd->add_option("-o,--out", *prefix, "Writes PREFIX.key and PREFIX.pub")->required());
  app.on(cmd, [prefix] {
    package::generate_key_pair(*prefix).take();
    fmt::print("{}.key (private, keep it off the air-gapped side)\n{}.pub\n", *prefix, *prefix);
    return k_exit_ok;
  });
}

} // namespace acp::cli
