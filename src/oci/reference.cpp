// Docker's reference grammar (distribution/reference), written out by hand: no std::regex, so a
// hostile value costs linear time.

#include "acpctl/oci/reference.hpp"

#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::oci {

namespace {

constexpr std::size_t k_max_name = 255;

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool alnum(char c) {
  return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

bool hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// [a-z0-9]+ ( ( [._] | __ | -+ ) [a-z0-9]+ )*
bool valid_component(std::string_view part) {
  std::size_t i = 0;
  while (i < part.size()) {
    const std::size_t start = i;
    while (i < part.size() && lower_alnum(part[i]))
      ++i;
    if (i == start)
      return false; // empty, or a separator where an alphanumeric belongs
    if (i == part.size())
      return true;
    const std::size_t sep = i;
    while (i < part.size() && !lower_alnum(part[i]))
      ++i;
    const std::string_view s = part.substr(sep, i - sep);
    const bool dashes = std::all_of(s.begin(), s.end(), [](char c) { return c == '-'; });
    if (!(s == "." || s == "_" || s == "__" || dashes) || i == part.size())
      return false;
  }
  return false;
}

// [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool valid_host_label(std::string_view label) {
  return !label.empty() && alnum(label.front()) && alnum(label.back()) &&
         std::all_of(label.begin(), label.end(), [](char c) { return alnum(c) || c == '-'; });
}

bool valid_domain(std::string_view domain) {
  std::string_view host = domain;
  std::string_view port;
  if (domain.starts_with('[')) {
    const auto close = domain.find(']');
    if (close == std::string_view::npos || close < 3)
      return false;
    const auto inside = domain.substr(1, close - 1);
    if (!std::all_of(inside.begin(), inside.end(), [](char c) { return hex_digit(c) || c == ':'; }))
      return false;
    host = {};
    const auto rest = domain.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':'))
      return false;
    port = rest.empty() ? std::string_view() : rest.substr(1);
    if (!rest.empty() && port.empty())
      return false;
  } else if (const auto colon = domain.rfind(':'); colon != std::string_view::npos) {
    host = domain.substr(0, colon);
    port = domain.substr(colon + 1);
    if (port.empty())
      return false;
  }
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      port.size() > 5)
    return false;
  if (domain.starts_with('['))
    return true;
  const auto labels = util::split(host, '.');
  return std::all_of(labels.begin(), labels.end(),
                     [](const auto& l) { return valid_host_label(l); });
}

bool looks_like_domain(std::string_view first) {
  return first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
         first.starts_with('[');
}

Error bad(std::string_view text, const std::string& why) {
  return Error(Errc::invalid_input, fmt::format("image reference {}: {}", util::quoted(text), why))
      .with_hint("write it as [REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST], e.g. "
                 "registry.alauda.cn/acp/etcd:v3.4.23");
}

} // namespace

bool valid_repository(std::string_view repository) {
  if (repository.empty() || repository.size() > k_max_name)
    return false;
  const auto parts = util::split(repository, '/');
  return std::all_of(parts.begin(), parts.end(), [](const auto& p) { return valid_component(p); });
}

bool valid_tag(std::string_view tag) {
  const auto word = [](char c) { return alnum(c) || c == '_'; };
  return !tag.empty() && tag.size() <= 128 && word(tag.front()) &&
         std::all_of(tag.begin(), tag.end(),
                     [&](char c) { return word(c) || c == '.' || c == '-'; });
}

bool valid_digest(std::string_view digest) {
  if (!digest.starts_with("sha256:") || digest.size() != 7 + 64)
    return false;
  const auto hex = digest.substr(7);
  return std::all_of(hex.begin(), hex.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<Reference> parse_reference(std::string_view text) {
  if (text.empty())
    return bad(text, "it is empty");
  Reference ref;
  std::string_view name = text;
  if (const auto at = name.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(name.substr(at + 1));
    name = name.substr(0, at);
    if (!valid_digest(ref.digest))
      return bad(text,
                 fmt::format("the digest {} is not sha256: followed by 64 lower-case hex digits",
                             util::quoted(ref.digest)));
  }
  const auto slash = name.rfind('/');
  if (const auto colon = name.rfind(':');
      colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(name.substr(colon + 1));
    name = name.substr(0, colon);
    if (!valid_tag(ref.tag))
      return bad(text, fmt::format("the tag {} is not 1 to 128 of [A-Za-z0-9_.-] (not starting "
                                   "with '.' or '-')",
                                   util::quoted(ref.tag)));
  }
  if (name.size() > k_max_name)
    return bad(text, fmt::format("the name is longer than {} characters", k_max_name));
  if (const auto first = name.find('/');
      first != std::string_view::npos && looks_like_domain(name.substr(0, first))) {
    ref.registry = std::string(name.substr(0, first));
    name = name.substr(first + 1);
    if (!valid_domain(ref.registry))
      return bad(text,
                 fmt::format("the registry {} is no host[:port]", util::quoted(ref.registry)));
  }
  if (!valid_repository(name))
    return bad(text, fmt::format("the repository {} must be lower-case letters and digits in "
                                 "parts separated by '/', joined within a part by '.', '_', "
                                 "'__' or '-'",
                                 util::quoted(name)));
  ref.repository = std::string(name);
  if (ref.registry.empty() || ref.registry == "index.docker.io")
    ref.registry = "docker.io";
  if (ref.registry == "docker.io" && ref.repository.find('/') == std::string::npos)
    ref.repository = "library/" + ref.repository;
  if (ref.tag.empty() && ref.digest.empty())
    ref.tag = "latest";
  return ref;
}

std::string to_string(const Reference& reference) {
  std::string out = reference.registry.empty() ? "" : reference.registry + "/";
  out += reference.repository;
  if (!reference.tag.empty())
    out += ":" + reference.tag;
  if (!reference.digest.empty())
    out += "@" + reference.digest;
  return out;
}

} // namespace acp::oci
