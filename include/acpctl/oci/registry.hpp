#pragma once
// A registry of the OCI distribution API (v2) and the two questions asked of one without
// pushing: does it let us in (ping), and what manifest does a tag name (remote_digest).
//
// Authentication: anonymous first; on 401 the client follows WWW-Authenticate, Basic (the
// credentials on every later request) or Bearer (a token per scope from the realm, fetched with
// the credentials as Basic). The password never goes into a URL, a log line, an error or an
// event; every function here registers it with log::add_secret. TLS is always verified (the
// system's CAs, or ca_file); no option skips it.

#include "acpctl/util/error.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace acp::oci {

/// One registry replica and how to reach it.
struct Registry {
  std::string name{};      ///< for messages (node name or address); empty: the host
  std::string host{};      ///< host:port, an IPv6 address in brackets
  bool plain_http = false; ///< http:// instead of https:// (only when the caller says --plain)
  std::string ca_file{};   ///< PEM bundle that verifies the server; empty: the system's CAs
  std::string username{};  ///< empty: anonymous
  std::string password{};  ///< secret: never in a log, an error or an event
  /// To connect, and the longest time a request may make no progress: then Errc::timeout
  /// naming the registry.
  std::chrono::seconds timeout{60};
};

/// "NAME (HOST)", or HOST when the name is empty or the host: how messages name a registry.
std::string describe(const Registry& registry);

/// GET /v2/ with authentication. Fails with Errc::auth "registry X refused user U: wrong user
/// name or password" (or needs credentials), Errc::connect for a refused connection or an
/// untrusted certificate, Errc::timeout, or Errc::failed when the server is no registry; each
/// names the registry and says what to do.
Status ping(const Registry& registry);

/// The digest (Docker-Content-Digest) of the manifest `reference` (a tag or a digest) names in
/// `repository`, asked with HEAD and accepting OCI and Docker v2 manifests and indexes;
/// nullopt when the registry answers 404. Fails as ping does, or with Errc::failed naming the
/// repository for other answers.
Result<std::optional<std::string>>
remote_digest(const Registry& registry, std::string_view repository, std::string_view reference);

} // namespace acp::oci
