#pragma once
// Private to pki: the cluster CA, generated once into <dir>/pki or supplied by the user
// (spec.pki). Never replaced on its own: every way it could be lost or swapped is an error that
// says what to do.

#include "layout.hpp"

#include <optional>

namespace acp::pki::detail {

struct Ca {
  KeyPair pair; ///< the key is the user's file's content for a user CA
  CertFacts facts;
  bool created = false; ///< made by this call
};

/// The CA for `cluster`: the user's (checked: a CA, its key matches, not expired; copied to
/// <dir>/pki/ca.crt when `write`), or <dir>/pki/ca.crt + ca.key, created when both are missing
/// and `write`. nullopt when there is none yet and `write` is false.
Result<std::optional<Ca>> obtain_ca(const config::Cluster& cluster,
                                    const std::filesystem::path& dir, Clock::time_point now,
                                    bool write);
/// The front-proxy CA: <dir>/pki/front-proxy-ca.crt + .key, always acpctl's own (also with a
/// user CA), created when both are missing and `write`. Fails like obtain_ca's generated CA.
Result<std::optional<Ca>> obtain_front_proxy_ca(const config::Cluster& cluster,
                                                const std::filesystem::path& dir,
                                                Clock::time_point now, bool write);

} // namespace acp::pki::detail
