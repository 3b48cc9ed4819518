#pragma once
// Private to pki: whether a leaf certificate on disk is still right for the config and the CA.

#include "ca.hpp"

#include <string>

namespace acp::pki::detail {

enum class Verdict {
  keep,     ///< right for the config, not close to expiry
  missing,  ///< the certificate or its key is not there
  stale,    ///< not signed by the CA, other SANs or usage, or a key that does not match
  expiring, ///< right, but expires within the renewal window (or has expired)
};

struct Assessment {
  Verdict verdict = Verdict::keep;
  std::string reason; ///< for the user: "SANs changed (+IP:10.0.0.9 -IP:10.0.0.1)"
};

/// Judges a readable leaf (`cert` parsed as `facts`, `key` a private key) against what the
/// config wants and the CA. Expiry counts when fewer than `within_days` remain, unless the CA
/// itself ends sooner (a new leaf could not outlive it).
Assessment assess(const Leaf& leaf, const CertFacts& facts, const std::string& cert,
                  const std::string& key, const Ca& ca, Clock::time_point now, int within_days);

/// Whole days from `now` to `when` (negative once past).
long days_until(Clock::time_point when, Clock::time_point now);

} // namespace acp::pki::detail
