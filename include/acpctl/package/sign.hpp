#pragma once
// Ed25519 package signatures (OpenSSL). A signature covers the exact bytes of package.yaml as
// stored in the archive; the manifest carries every file's sha256, so one signature covers all.
// Keys are PEM files (PKCS#8 private key, SubjectPublicKeyInfo public key), the same ones
// `openssl genpkey -algorithm ed25519` writes.

#include "acpctl/util/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace acp::package {

/// Writes a new key pair: `prefix`.key (private, mode 0600) and `prefix`.pub. Refuses to
/// overwrite an existing key. Fails with Errc::io or Errc::conflict.
Status generate_key_pair(const std::filesystem::path& prefix);

/// Signs `message` with the private key in `private_key_pem`; returns the 64 raw bytes.
/// Fails with Errc::invalid_input naming the file if it is not an Ed25519 private key.
Result<std::string> sign(std::string_view message, const std::filesystem::path& private_key_pem);

/// Checks `signature` over `message` with the public key in `public_key_pem`. Fails with
/// Errc::verify if it does not match, Errc::invalid_input if the key file is not a key.
Status verify_signature(std::string_view message, std::string_view signature,
                        const std::filesystem::path& public_key_pem);

/// The key's fingerprint as OpenSSH writes them: "SHA256:" + unpadded base64 of the sha256
/// of the raw 32-byte Ed25519 public key. Fails with Errc::invalid_input naming the file if
/// it is not an Ed25519 public key in PEM.
Result<std::string> key_fingerprint(const std::filesystem::path& public_key_pem);

} // namespace acp::package
