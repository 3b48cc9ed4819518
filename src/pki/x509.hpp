#pragma once
// Private to pki: keys and certificates as PEM text in, PEM text and plain facts out. The one
// place that knows X.509; the rest of pki decides what to issue and when.

#include "acpctl/pki/pki.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace acp::pki::detail {

/// What a certificate is for: decides basicConstraints, keyUsage and extendedKeyUsage.
enum class Usage {
  ca,     ///< CA:TRUE, keyCertSign + cRLSign
  server, ///< serverAuth
  peer,   ///< serverAuth + clientAuth
  client, ///< clientAuth
};

struct Subject {
  std::string cn;
  std::string org; ///< empty: no O
};

struct Validity {
  Clock::time_point not_before;
  Clock::time_point not_after;
};

/// What to issue: subject, SANs ("DNS:name" / "IP:addr", canonical, sorted) and usage.
struct CertSpec {
  Subject subject;
  std::vector<std::string> sans;
  Usage usage = Usage::client;
};

/// What a certificate says, read back.
struct CertFacts {
  std::string cn;
  std::string org;
  std::vector<std::string> sans; ///< canonical and sorted, as in CertSpec
  Clock::time_point not_before;
  Clock::time_point not_after;
  bool is_ca = false;
  bool server_auth = false;
  bool client_auth = false;
};

/// A new ECDSA P-256 private key, PEM (PKCS#8).
Result<std::string> generate_key();
/// A self-signed CA certificate for `key_pem`.
Result<std::string> issue_ca(const Subject& subject, const std::string& key_pem,
                             const Validity& validity);
/// A certificate for the public half of `key_pem`, signed by the CA (`ca.cert`, `ca.key`).
Result<std::string> issue(const CertSpec& spec, const std::string& key_pem, const KeyPair& ca,
                          const Validity& validity);

/// Reads a PEM certificate; Errc::invalid_input if `pem` is not one.
Result<CertFacts> inspect(std::string_view pem);
/// True if `cert_pem` was issued and signed by `ca_pem`.
bool signed_by(std::string_view cert_pem, std::string_view ca_pem);
/// The public half of `key_pem` as PEM "PUBLIC KEY" (SubjectPublicKeyInfo), as kubeadm writes
/// sa.pub. Errc::invalid_input if `key_pem` is no private key.
Result<std::string> public_key_pem(std::string_view key_pem);
/// True if `key_pem` is a private key (never encrypted).
bool is_key(std::string_view key_pem);
/// True if `key_pem` is the private key of `cert_pem`.
bool key_matches(std::string_view cert_pem, std::string_view key_pem);

/// "DNS:name" for a DNS name; "IP:addr" in canonical form for an address ("" if not one).
std::string dns_san(const std::string& name);
std::string ip_san(const std::string& address);
/// "X.509v3 usage" as a user reads it: "CA", "server", "peer", "client".
std::string_view to_string(Usage usage);

} // namespace acp::pki::detail
