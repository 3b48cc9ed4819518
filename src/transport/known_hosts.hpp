#pragma once
// known_hosts in OpenSSH's format (plain and hashed host names, [host]:port, wildcards and
// negation): reading, matching an offered host key, and recording a new one. Pure logic over
// bytes, so the decision can be unit-tested without a server.

#include "acpctl/config/model.hpp"
#include "acpctl/util/error.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace acp::transport::detail {

/// One host key line of a known_hosts file.
struct KnownHostEntry {
  int line = 0;           ///< 1-based line number in the file
  std::string hosts;      ///< the host field as written (patterns or |1|salt|hash)
  std::string key_type;   ///< "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ...
  std::string key_base64; ///< the key blob, base64
};

/// "SHA256:..." (unpadded base64 of the blob's sha256), as ssh-keygen -l prints it.
std::string fingerprint(const std::string& key_blob);
/// Decodes base64; nullopt-like empty string on malformed input.
std::string base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

class KnownHosts {
public:
  /// Reads `path`; a missing file is an empty list. Malformed lines are skipped (as ssh does).
  static Result<KnownHosts> load(const std::filesystem::path& path);

  struct Verdict {
    enum Kind { match, changed, unknown } kind = unknown;
    const KnownHostEntry* known = nullptr; ///< for changed: the entry that disagrees
  };
  /// Looks `address`:`port` up and compares the offered key.
  Verdict check(const std::string& address, int port, const std::string& key_type,
                const std::string& key_blob) const;
  /// The key types recorded for the host, so the handshake can ask for one of them.
  std::vector<std::string> known_types(const std::string& address, int port) const;
  /// Appends a plain entry for the host to the file (creating it, and its directory, 0700).
  Status add(const std::string& address, int port, const std::string& key_type,
             const std::string& key_blob);

  const std::filesystem::path& path() const { return m_path; }
  const std::vector<KnownHostEntry>& entries() const { return m_entries; }

private:
  std::filesystem::path m_path;
  std::vector<KnownHostEntry> m_entries;
};

/// True if the host field of an entry names `address`:`port` (OpenSSH rules).
bool host_field_matches(const std::string& field, const std::string& address, int port);

/// Applies the host key policy: Ok to continue, or an Errc::auth error that names both
/// fingerprints and the line to remove. `name` is the node's name for messages. With
/// accept-new, an unknown key is recorded. With off, a loud warning is logged.
Status verify_host_key(KnownHosts& known, config::HostKeyPolicy policy, const std::string& name,
                       const std::string& address, int port, const std::string& key_type,
                       const std::string& key_blob);

} // namespace acp::transport::detail
