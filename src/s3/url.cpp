// Request addresses. The path is encoded once here and signed as is, so what is sent and what
// is signed cannot differ.

#include "url.hpp"

#include "acpctl/util/strings.hpp"
#include "canonical.hpp"

#include <algorithm>

namespace acp::s3 {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

} // namespace

bool default_path_style(std::string_view url) {
  auto base = detail::parse_base_url(url);
  if (!base)
    return true;
  std::string host = lower(base->host);
  if (const auto colon = host.rfind(':'); colon != std::string::npos && host.back() != ']')
    host.erase(colon);
  return !(host == "amazonaws.com" || host.ends_with(".amazonaws.com"));
}

namespace detail {

Result<BaseUrl> parse_base_url(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return Error(Errc::invalid_input, "S3 endpoint " + util::quoted(url) + ": " + std::string(why))
        .with_hint("give scheme and host only, like https://s3.eu-central-1.amazonaws.com or "
                   "http://127.0.0.1:9000");
  };
  const auto sep = url.find("://");
  if (sep == std::string_view::npos)
    return bad("no scheme (http:// or https://)");
  BaseUrl base{lower(url.substr(0, sep)), std::string(url.substr(sep + 3))};
  if (base.scheme != "http" && base.scheme != "https")
    return bad("the scheme is neither http nor https");
  if (base.host.ends_with('/'))
    base.host.pop_back();
  if (base.host.empty())
    return bad("no host");
  if (base.host.find_first_of("/?#@ \t\r\n") != std::string::npos)
    return bad("holds more than a host and a port (a path, a query or credentials)");
  return base;
}

std::string query_string(const std::vector<Field>& query) {
  return detail::canonical_query(query, true);
}

Result<Target> make_target(const Endpoint& endpoint, std::string_view key,
                           const std::vector<Field>& query) {
  auto base = parse_base_url(endpoint.url);
  if (!base)
    return std::move(base).error();
  if (endpoint.bucket.empty())
    return Error(Errc::invalid_input, "S3 endpoint " + endpoint.url + ": no bucket given");
  Target target;
  const std::string object = key.empty() ? std::string() : "/" + uri_encode(key, false);
  if (endpoint.path_style) {
    target.host = base->host;
    target.path = "/" + uri_encode(endpoint.bucket, true) + object;
  } else {
    target.host = endpoint.bucket + "." + base->host;
    target.path = object.empty() ? "/" : object;
  }
  target.url = base->scheme + "://" + target.host + target.path;
  if (!query.empty())
    target.url += "?" + query_string(query);
  return target;
}

} // namespace detail

} // namespace acp::s3
