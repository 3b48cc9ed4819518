#pragma once
// Small string helpers shared by every layer.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace acp::util {

/// The current time as RFC 3339 UTC text ("2026-12-02T15:04:05Z").
std::string now_rfc3339();
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
/// "45s", "12m", "3h", "2d 4h": a duration rounded down to at most two units.
std::string human_duration(std::chrono::seconds duration);
/// `text` in double quotes for an error message, quotes, backslashes and control characters
/// escaped (\n, \x01), so a hostile value never floods or forges a message. Longer than `max`
/// bytes, it keeps the first `max` (cut at a UTF-8 character boundary) and says how long the
/// whole was: "aaa…"(3145728 bytes). A user's value is always echoed through this.
std::string quoted(std::string_view text, std::size_t max = 200);
/// Lower-case hex of raw bytes.
std::string to_hex(std::span<const unsigned char> bytes);

} // namespace acp::util
