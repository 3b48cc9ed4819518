#pragma once
// Where a request goes: the URL, the Host header and the path to sign, path-style
// (URL/bucket/key) or virtual-hosted (bucket.host/key). Pure, for the unit tests.

#include "acpctl/s3/client.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace acp::s3::detail {

/// A request's address.
struct Target {
  std::string url;  ///< what curl is given: scheme://host[:port]/path[?query]
  std::string host; ///< the Host header (with the port when the URL has one)
  std::string path; ///< the encoded path that is signed
};

/// The endpoint URL checked and split: scheme ("http"/"https") and host[:port]. Fails with
/// Errc::invalid_input naming the URL when it has another scheme, no host, or a path.
struct BaseUrl {
  std::string scheme;
  std::string host;
};
Result<BaseUrl> parse_base_url(std::string_view url);

/// The query as sent: names and values encoded like the signer's, sorted, "name" alone for an
/// empty value ("uploads"), joined by '&'.
std::string query_string(const std::vector<Field>& query);

/// The target for `key` in the endpoint's bucket; an empty key addresses the bucket itself.
/// Fails as parse_base_url does, and for an empty bucket.
Result<Target> make_target(const Endpoint& endpoint, std::string_view key,
                           const std::vector<Field>& query);

} // namespace acp::s3::detail
