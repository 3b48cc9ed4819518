#pragma once
// Registry addresses: the base URL, Location headers (relative or absolute, with or without a
// query) and query fields. Pure, for the unit tests.

#include "acpctl/oci/registry.hpp"
#include "acpctl/util/error.hpp"

#include <string>
#include <string_view>

namespace acp::oci::detail {

/// "https://HOST", or "http://HOST" for plain_http.
std::string base_url(const Registry& registry);

/// scheme://host[:port] of an absolute http(s) URL; "" for anything else.
std::string_view origin(std::string_view url);

/// The URL a Location header names, resolved against the URL of the request it answered: an
/// absolute http(s) URL as it is, "/path?query" on the request's origin, a relative path
/// against the request's directory. Fails with Errc::failed when it is empty or another scheme.
Result<std::string> resolve_location(std::string_view request_url, std::string_view location);

/// `url` with `name=value` added to its query ('?' or '&'), the value %-encoded.
std::string add_query(std::string url, std::string_view name, std::string_view value);

/// %-encodes everything but RFC 3986's unreserved characters.
std::string percent_encode(std::string_view text);

/// "sha256:0123456789ab": a digest cut to 12 hex digits for messages.
std::string short_digest(std::string_view digest);

} // namespace acp::oci::detail
