#pragma once
// Small string helpers shared by every layer.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace acp::util {

/// Splits on every `sep`; keeps empty fields ("a,,b" gives three).
std::vector<std::string> split(std::string_view text, char sep);
/// Joins with `sep` between items.
std::string join(std::span<const std::string> items, std::string_view sep);
/// Removes ASCII white space at both ends.
std::string_view trim(std::string_view text);
/// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate closest to `word` if it is close enough to be a likely typo, else "".
std::string closest_match(std::string_view word, std::span<const std::string_view> candidates);
/// "1.5 GiB"-style size.
std::string human_bytes(std::uint64_t bytes);
/// `text` as it may appear in a message: at most `max` bytes (cut on a UTF-8 boundary) with
/// "…(N bytes)" after a cut, and control characters shown as "?", so a huge or binary value
/// never floods a terminal or a log.
std::string clip(std::string_view text, std::size_t max = 200);
/// Lower-case hex of raw bytes.
std::string to_hex(std::span<const unsigned char> bytes);
/// A user value for an error message: in double quotes, control characters, quotes and backslashes
/// escaped (a newline shows as \n), cut after `max` bytes with "... (N more bytes)" so a
/// hostile value never floods or forges a message.
std::string quoted(std::string_view value, std::size_t max = 200);

} // namespace acp::util
