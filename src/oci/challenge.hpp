#pragma once
// WWW-Authenticate (RFC 7235): the challenges a registry answers 401 with. Pure, for the unit
// tests.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace acp::oci::detail {

/// One challenge: `Bearer realm="https://auth/token",service="registry",scope="..."`.
struct Challenge {
  std::string scheme;                        ///< lower-case: "basic", "bearer"
  std::map<std::string, std::string> params; ///< names lower-case, values unquoted
};

/// Every challenge in a WWW-Authenticate value, in order. Values may be tokens or quoted strings
/// (with commas, and backslash escapes); white space around '=' and ',' is allowed; anything
/// it cannot read ends the list (what was read before is kept).
std::vector<Challenge> parse_www_authenticate(std::string_view header);

} // namespace acp::oci::detail
