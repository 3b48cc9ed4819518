#include "url.hpp"

#include <fmt/format.h>

namespace acp::oci::detail {

std::string base_url(const Registry& registry) {
  return (registry.plain_http ? "http://" : "https://") + registry.host;
}

std::string_view origin(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos)
    return {};
  const auto scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    return {};
  const auto host_end = url.find_first_of("/?#", scheme_end + 3);
  return url.substr(0, host_end);
}

Result<std::string> resolve_location(std::string_view request_url, std::string_view location) {
  if (location.empty())
    return Error(Errc::failed, "the registry answered without a Location header");
  if (!origin(location).empty())
    return std::string(location);
  if (location.find("://") != std::string_view::npos)
    return Error(Errc::failed,
                 fmt::format("the registry's Location {} is no http(s) URL", location));
  const auto base = origin(request_url);
  if (location.starts_with("//"))
    return std::string(request_url.substr(0, request_url.find("://") + 1)) + std::string(location);
  if (location.starts_with('/'))
    return std::string(base) + std::string(location);
  // A relative path: against the request's path without its last segment (and its query).
  std::string_view path = request_url.substr(base.size());
  path = path.substr(0, path.find_first_of("?#"));
  path = path.substr(0, path.rfind('/') + 1);
  return std::string(base) + (path.empty() ? "/" : std::string(path)) + std::string(location);
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved)
      out += c;
    else
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

std::string add_query(std::string url, std::string_view name, std::string_view value) {
  std::string fragment;
  if (const auto hash = url.find('#'); hash != std::string::npos) {
    fragment = url.substr(hash);
    url.resize(hash);
  }
  if (url.find('?') == std::string::npos)
    url += '?';
  else if (!url.ends_with('?') && !url.ends_with('&'))
    url += '&';
  return url + std::string(name) + "=" + percent_encode(value) + fragment;
}

std::string short_digest(std::string_view digest) {
  return std::string(digest.substr(0, std::min<std::size_t>(digest.size(), 7 + 12)));
}

} // namespace acp::oci::detail
