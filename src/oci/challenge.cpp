// A small cursor over the header: tokens, quoted strings, and the separators between them.

#include "challenge.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace acp::oci::detail {

namespace {

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const { return pos >= text.size(); }
  char peek() const { return done() ? '\0' : text[pos]; }
  void skip_space() {
    while (!done() && (text[pos] == ' ' || text[pos] == '\t'))
      ++pos;
  }
  void skip_separators() {
    while (!done() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == ','))
      ++pos;
  }
  // RFC 7230's tchar, without '=' (which ends a parameter name).
  std::string token() {
    const std::size_t start = pos;
    while (!done() && !std::isspace(static_cast<unsigned char>(text[pos])) &&
           std::string_view(",=\"").find(text[pos]) == std::string_view::npos)
      ++pos;
    return std::string(text.substr(start, pos - start));
  }
  // A quoted string after its opening quote; nullopt when it does not end.
  std::optional<std::string> quoted() {
    std::string out;
    while (!done()) {
      const char c = text[pos++];
      if (c == '"')
        return out;
      if (c == '\\' && !done())
        out += text[pos++];
      else
        out += c;
    }
    return std::nullopt;
  }
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Reads `name = value` pairs after a scheme until the next scheme (a token with no '=' after
// it) or the end. False when the header cannot be read.
bool read_params(Cursor& c, Challenge& challenge) {
  while (true) {
    c.skip_separators();
    if (c.done())
      return true;
    const std::size_t start = c.pos;
    std::string name = c.token();
    c.skip_space();
    if (name.empty() || c.peek() != '=') {
      c.pos = start; // the next challenge's scheme (or a token68, which registries do not use)
      return !name.empty();
    }
    ++c.pos;
    c.skip_space();
    std::string value;
    if (c.peek() == '"') {
      ++c.pos;
      auto text = c.quoted();
      if (!text)
        return false;
      value = std::move(*text);
    } else {
      value = c.token();
    }
    challenge.params[lower(std::move(name))] = std::move(value);
  }
}

} // namespace

std::vector<Challenge> parse_www_authenticate(std::string_view header) {
  std::vector<Challenge> out;
  Cursor c{header};
  while (true) {
    c.skip_separators();
    Challenge challenge{lower(c.token()), {}};
    if (challenge.scheme.empty())
      return out;
    const bool ok = read_params(c, challenge);
    out.push_back(std::move(challenge));
    if (!ok)
      return out;
  }
}

} // namespace acp::oci::detail
