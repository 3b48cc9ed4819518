#pragma once
// The canonical pieces of a SigV4 request: query string and headers. Internal to src/s3;
// sign() (sigv4.cpp) checks its inputs first, so these assume them well-formed.

#include "acpctl/s3/sigv4.hpp"

#include <map>
#include <string>
#include <vector>

namespace acp::s3::detail {

/// The canonical query string: names and values encoded (slash too), sorted by name then
/// value, "name=value" joined by '&'; "" without parameters.
/// `bare_names`: a parameter without a value is written without '=' ("uploads"), as a URL
/// carries it; SigV4's canonical form always has the '='.
std::string canonical_query(const std::vector<Field>& query, bool bare_names = false);

/// A header value as signed: leading and trailing blanks removed, inner runs of blanks
/// (spaces, tabs) made one space.
std::string trim_value(std::string_view value);

/// Lower-case ASCII.
std::string lower(std::string_view text);

/// The headers to sign, by lower-case name (so sorted), each value trimmed; a name given
/// twice keeps its values in order, joined by ','.
std::map<std::string, std::string> header_map(const std::vector<Field>& headers);

/// "name:value\n" for every header, in order.
std::string canonical_headers(const std::map<std::string, std::string>& headers);

/// The names joined by ';': "host;range;x-amz-content-sha256;x-amz-date".
std::string signed_header_names(const std::map<std::string, std::string>& headers);

} // namespace acp::s3::detail
