#pragma once
// Private to pki: the service-account signing key pair Kubernetes needs besides certificates.

#include "reconcile.hpp"

#include <optional>

namespace acp::pki::detail {

/// <dir>/pki/kubernetes/sa.key (and sa.pub next to it): kept when readable, made when missing
/// and `mode` writes, sa.pub rewritten from the key when it differs. nullopt when missing in a
/// dry run; Errc::invalid_input when missing with Mode::load or unreadable (never replaced).
Result<std::optional<ServiceAccountKey>> obtain_sa_key(const std::filesystem::path& dir, Mode mode);

} // namespace acp::pki::detail
