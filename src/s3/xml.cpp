// S3's XML answers, read by tag. Keys are the reason entities are decoded strictly: a key
// holding '&' comes back as "&amp;", and a wrong key would be fetched or reused otherwise.

#include "xml.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace acp::s3::detail {

namespace {

// Appends the code point as UTF-8; false for one XML does not allow (0, surrogates, > 10FFFF).
bool append_utf8(std::string& out, unsigned long cp) {
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
    return false;
  auto byte = [&](unsigned long b) { out.push_back(static_cast<char>(b)); };
  if (cp < 0x80) {
    byte(cp);
  } else if (cp < 0x800) {
    byte(0xC0 | (cp >> 6));
    byte(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    byte(0xE0 | (cp >> 12));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  } else {
    byte(0xF0 | (cp >> 18));
    byte(0x80 | ((cp >> 12) & 0x3F));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  }
  return true;
}

bool append_numeric(std::string& out, std::string_view digits) {
  int base = 10;
  if (!digits.empty() && (digits.front() == 'x' || digits.front() == 'X')) {
    base = 16;
    digits.remove_prefix(1);
  }
  unsigned long cp = 0;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, cp, base);
  return !digits.empty() && ec == std::errc() && ptr == end && append_utf8(out, cp);
}

} // namespace

std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> found;
  const std::string open = "<" + std::string(tag);
  const std::string close = "</" + std::string(tag) + ">";
  std::size_t at = 0;
  while ((at = xml.find(open, at)) != std::string_view::npos) {
    const std::size_t after = at + open.size();
    if (after >= xml.size())
      break;
    const char next = xml[after];
    if (next != '>' && next != ' ' && next != '/') {
      at = after; // a longer tag name that starts the same: <KeyCount> for <Key>
      continue;
    }
    const std::size_t gt = xml.find('>', after);
    if (gt == std::string_view::npos)
      break;
    if (xml[gt - 1] == '/') {
      found.emplace_back();
      at = gt + 1;
      continue;
    }
    const std::size_t end = xml.find(close, gt + 1);
    if (end == std::string_view::npos)
      break;
    found.push_back(xml.substr(gt + 1, end - gt - 1));
    at = end + close.size();
  }
  return found;
}

std::optional<std::string> xml_text(std::string_view xml, std::string_view tag) {
  const auto elements = xml_elements(xml, tag);
  if (elements.empty())
    return std::nullopt;
  return xml_decode(elements.front());
}

std::optional<std::string> xml_decode(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, char>, 5> k_named{
      {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}}};
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t amp = text.find('&', at);
    out.append(text.substr(at, amp - at));
    if (amp == std::string_view::npos)
      break;
    const std::size_t semi = text.find(';', amp);
    if (semi == std::string_view::npos)
      return std::nullopt;
    const std::string_view name = text.substr(amp + 1, semi - amp - 1);
    bool known = false;
    for (const auto& [entity, c] : k_named)
      if (name == entity) {
        out.push_back(c);
        known = true;
      }
    if (!known && !(name.starts_with('#') && append_numeric(out, name.substr(1))))
      return std::nullopt;
    at = semi + 1;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      out.push_back(c);
    }
  }
  return out;
}

} // namespace acp::s3::detail
