// decide_trust: which key a package must verify with, and its signature checked with it.

#include "acpctl/package/trust.hpp"

#include "acpctl/package/open.hpp"
#include "acpctl/package/sign.hpp"
#include "acpctl/package/verify.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::package {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_fix_hint =
    "pass --key with the release's public key (recorded for the cluster on first use)";

std::vector<std::string> fingerprints_of(const std::vector<RecordedKey>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys)
    out.push_back(k.fingerprint);
  return out;
}

// The keys the package may verify with: --key (which must be among the recorded ones once
// any is recorded), else every recorded key.
Result<std::vector<RecordedKey>> candidates(const TrustOptions& options,
                                            const std::vector<RecordedKey>& recorded) {
  if (!options.key) {
    if (recorded.empty())
      return Error(Errc::verify, "no key to check the package's signature with: this cluster "
                                 "has no trusted key recorded and none was given")
          .with_hint(std::string(k_fix_hint) +
                     "; only for a test package: --insecure-skip-signature");
    return recorded;
  }
  auto fp = key_fingerprint(*options.key);
  if (!fp)
    return std::move(fp).error();
  if (!recorded.empty() && std::none_of(recorded.begin(), recorded.end(),
                                        [&](const RecordedKey& k) { return k.fingerprint == *fp; }))
    return Error(Errc::verify,
                 fmt::format("the key {} ({}) is not a key this cluster trusts (it trusts {})",
                             options.key->string(), *fp,
                             util::join(fingerprints_of(recorded), ", ")))
        .with_hint(fmt::format("use the cluster's release key; if the release key really "
                               "changed, copy the new public key into {} and run again",
                               options.trusted_dir.string()));
  return std::vector<RecordedKey>{{*options.key, *fp}};
}

Result<std::string> read_signature(const fs::path& package) {
  const auto sig_path = fs::path(package.string() + ".sig");
  std::error_code ec;
  if (!fs::exists(sig_path, ec))
    return Error(Errc::verify, fmt::format("{} is not signed: {} does not exist", package.string(),
                                           sig_path.string()))
        .with_hint("copy the .sig file that came with the package next to it");
  auto sig = util::read_file(sig_path, util::k_max_secret_bytes);
  if (!sig)
    return std::move(sig).error();
  if (sig->size() != 64)
    return Error(Errc::verify, fmt::format("{} is not an Ed25519 signature ({} bytes, not 64)",
                                           sig_path.string(), sig->size()));
  return sig;
}

} // namespace

std::string Trusted::label() const {
  return insecure ? std::string(k_insecure_label) : fingerprint;
}

Result<std::vector<RecordedKey>> recorded_keys(const fs::path& dir) {
  std::vector<RecordedKey> out;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec))
    return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".pub")
      continue;
    auto fp = key_fingerprint(entry.path());
    if (!fp)
      return Error(std::move(fp).error())
          .context("reading the cluster's trusted keys")
          .with_hint(fmt::format("remove {} or put the release's public key there",
                                 entry.path().string()));
    out.push_back({entry.path(), *fp});
  }
  std::sort(out.begin(), out.end(),
            [](const RecordedKey& a, const RecordedKey& b) { return a.file < b.file; });
  return out;
}

Result<Trusted> decide_trust(const fs::path& package, const TrustOptions& options) {
  if (options.insecure_skip_signature) {
    if (options.key)
      return Error(Errc::usage, "--key and --insecure-skip-signature exclude each other");
    if (!options.required_fingerprint.empty() && options.required_fingerprint != k_insecure_label)
      return Error(Errc::verify, "the plan was made with a signed package (key " +
                                     options.required_fingerprint +
                                     "); --insecure-skip-signature cannot apply it");
    return Trusted{"", std::nullopt, true, false, ""};
  }
  if (options.required_fingerprint == k_insecure_label)
    return Error(Errc::verify, "the plan was made with --insecure-skip-signature")
        .with_hint("pass --insecure-skip-signature again to apply it, or plan with a signed "
                   "package");
  auto recorded = recorded_keys(options.trusted_dir);
  if (!recorded)
    return std::move(recorded).error();
  auto keys = candidates(options, *recorded);
  if (!keys)
    return std::move(keys).error();
  if (!options.required_fingerprint.empty()) {
    std::erase_if(
        *keys, [&](const RecordedKey& k) { return k.fingerprint != options.required_fingerprint; });
    if (keys->empty())
      return Error(Errc::verify, fmt::format("the plan was made with the package key {}, which "
                                             "is not the key given or recorded now",
                                             options.required_fingerprint))
          .with_hint("apply it with the same key, or make a new plan");
  }
  auto signature = read_signature(package);
  if (!signature)
    return std::move(signature).error();
  auto opened = open_package(package);
  if (!opened)
    return std::move(opened).error();
  for (const auto& k : *keys)
    if (verify_signature(opened->manifest_bytes, *signature, k.file))
      return Trusted{k.fingerprint, k.file, false, recorded->empty(),
                     util::sha256_hex(opened->manifest_bytes)};
  return Error(Errc::verify,
               fmt::format("{}: the signature does not verify with {} ({})", package.string(),
                           keys->size() == 1 ? "the key" : "any of the keys",
                           util::join(fingerprints_of(*keys), ", ")))
      .with_hint("the package was changed after signing, or signed with another key; get the "
                 "package and its .sig again from the release");
}

Result<Trusted> check_package(const fs::path& package, const TrustOptions& options,
                              bool verify_content) {
  auto trusted = decide_trust(package, options);
  if (!trusted)
    return std::move(trusted).error();
  if (trusted->insecure)
    log::write(log::Level::warn, "",
               "--insecure-skip-signature: " + package.string() +
                   " is NOT signature-checked; anyone who could change it can run code on every "
                   "node (recorded in each node's state)");
  if (verify_content) {
    VerifyOptions vo;
    vo.public_key = trusted->key;
    auto report = verify(package, vo);
    if (!report)
      return std::move(report).error();
    if (!trusted->insecure && report->manifest_sha256 != trusted->manifest_sha256)
      return Error(Errc::verify, package.string() + " changed while it was being read");
  }
  if (auto st = record_trusted_key(*trusted, options.trusted_dir); !st)
    return std::move(st).error();
  if (trusted->first_use)
    log::write(log::Level::info, "",
               fmt::format("recorded {} ({}) as a trusted package key in {}",
                           trusted->key->string(), trusted->fingerprint,
                           options.trusted_dir.string()));
  return trusted;
}

Status record_trusted_key(const Trusted& trusted, const fs::path& dir) {
  if (!trusted.first_use || !trusted.key || dir.empty())
    return {};
  auto pem = util::read_file(*trusted.key, util::k_max_secret_bytes);
  if (!pem)
    return std::move(pem).error();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return Error(Errc::io, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  const auto name = util::sha256_hex(trusted.fingerprint).substr(0, 32) + ".pub";
  return util::write_file_atomic(dir / name, *pem, fs::perms(0644));
}

} // namespace acp::package
