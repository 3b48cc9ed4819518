#include "canonical.hpp"

#include <algorithm>

namespace acp::s3 {

namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

} // namespace

std::string uri_encode(std::string_view text, bool encode_slash) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (c == '/' && !encode_slash)) {
      out += ch;
      continue;
    }
    out += '%';
    out += k_hex[c >> 4];
    out += k_hex[c & 0x0F];
  }
  return out;
}

namespace detail {

std::string canonical_query(const std::vector<Field>& query, bool bare_names) {
  std::vector<Field> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query)
    encoded.emplace_back(uri_encode(name, true), uri_encode(value, true));
  // Encoded text is ASCII, so std::string's order is the byte order SigV4 asks for.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty())
      out += '&';
    out += name;
    if (!bare_names || !value.empty())
      out += '=' + value;
  }
  return out;
}

std::string trim_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool blank_pending = false;
  for (const char c : value) {
    if (is_blank(c)) {
      blank_pending = !out.empty();
      continue;
    }
    if (blank_pending)
      out += ' ';
    blank_pending = false;
    out += c;
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::map<std::string, std::string> header_map(const std::vector<Field>& headers) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : headers) {
    auto [it, inserted] = out.try_emplace(lower(name), trim_value(value));
    if (!inserted)
      it->second += "," + trim_value(value);
  }
  return out;
}

std::string canonical_headers(const std::map<std::string, std::string>& headers) {
  std::string out;
  for (const auto& [name, value] : headers)
    out += name + ":" + value + "\n";
  return out;
}

std::string signed_header_names(const std::map<std::string, std::string>& headers) {
  std::string out;
  for (const auto& entry : headers) {
    if (!out.empty())
      out += ';';
    out += entry.first;
  }
  return out;
}

} // namespace detail

} // namespace acp::s3
