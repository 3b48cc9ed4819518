#pragma once
// Whether a package may reach a node: the one decision every command that takes a package
// (plan, apply, a saved plan, certs renew, upload of a package) goes through.
//
// Trust comes from a public key: the one given with --key, or the keys recorded for the
// cluster (the first --key used for a cluster is recorded, by fingerprint, in its directory).
// A package is trusted when its .sig over package.yaml verifies with such a key; the manifest
// lists every file's sha256, so the content check of the streaming pass (verify/unpack with
// the same key) completes the proof. --insecure-skip-signature trusts nothing and says so.

#include "acpctl/util/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace acp::package {

/// The label a plan file and a node's state record for a package applied without checking
/// its signature.
inline constexpr std::string_view k_insecure_label = "insecure-skip-signature";

struct TrustOptions {
  std::optional<std::filesystem::path> key; ///< --key: the public key the package must verify with
  /// The cluster's recorded keys (`<cluster dir>/trusted-keys/*.pub`); empty path: none.
  std::filesystem::path trusted_dir;
  bool insecure_skip_signature = false;
  /// A saved plan's key fingerprint: the package must verify with exactly this key.
  std::string required_fingerprint;
};

/// What decided that a package is trusted.
struct Trusted {
  std::string fingerprint;                  ///< of the key that verified it; empty when insecure
  std::optional<std::filesystem::path> key; ///< that key's file; empty when insecure
  bool insecure = false;                    ///< --insecure-skip-signature: nothing was checked
  bool first_use = false;                   ///< the key is not recorded yet: record_trusted_key()
  std::string manifest_sha256;              ///< hex sha256 of the package.yaml bytes that verified
  /// What plan files and node state record: the fingerprint, or k_insecure_label.
  std::string label() const;
};

/// A recorded key and its fingerprint.
struct RecordedKey {
  std::filesystem::path file;
  std::string fingerprint;
};

/// The keys in `dir` (files *.pub); none when `dir` is empty or does not exist. Fails naming
/// the file if one of them is not an Ed25519 public key.
Result<std::vector<RecordedKey>> recorded_keys(const std::filesystem::path& dir);

/// Decides which key `package` must verify with and checks its signature over the manifest
/// with it (the content is checked by the streaming pass that uses Trusted::key). Refuses
/// (Errc::verify) an unsigned package, a bad signature, a --key that differs from the
/// cluster's recorded keys (naming both fingerprints), no key at all, or a key other than
/// `required_fingerprint`; a malformed or unreadable key is Errc::invalid_input naming it.
/// --insecure-skip-signature with --key is Errc::usage.
Result<Trusted> decide_trust(const std::filesystem::path& package, const TrustOptions& options);

/// The whole check for a package about to reach nodes: decide_trust, then (with
/// `verify_content`) every file in one streaming pass with the same key, then a first-use key
/// recorded in options.trusted_dir. Warns loudly when the signature is skipped. Fails like
/// decide_trust, or with the streaming pass's error; also if the package changed between
/// the two reads.
Result<Trusted> check_package(const std::filesystem::path& package, const TrustOptions& options,
                              bool verify_content);

/// Records a first-use key in `dir` (`<hex of its fingerprint>.pub`, written atomically);
/// nothing when the key is already recorded or the package was not signature-checked.
Status record_trusted_key(const Trusted& trusted, const std::filesystem::path& dir);

} // namespace acp::package
