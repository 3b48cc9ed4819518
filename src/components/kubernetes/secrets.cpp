// Secret placeholders in rendered files: names in the text, values only on the node.

#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::kubernetes {

namespace {

constexpr std::string_view k_open = "{{ACP_SECRET:";
constexpr std::string_view k_close = "}}";

// A value goes into a double-quoted YAML string: nothing in it may end or escape the string.
bool safe_in_quotes(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return c == '"' || c == '\\' || u < 0x20 || u == 0x7f;
  });
}

} // namespace

std::string secret_placeholder(std::string_view name) {
  return fmt::format("{}{}{}", k_open, name, k_close);
}

std::vector<std::string> secret_placeholders(std::string_view text) {
  std::vector<std::string> names;
  for (auto at = text.find(k_open); at != std::string_view::npos; at = text.find(k_open, at)) {
    at += k_open.size();
    const auto end = text.find(k_close, at);
    if (end == std::string_view::npos)
      break;
    names.emplace_back(text.substr(at, end - at));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Result<std::string> substitute_secrets(std::string_view text,
                                       const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t from = 0;
  for (auto at = text.find(k_open); at != std::string_view::npos; at = text.find(k_open, from)) {
    const auto end = text.find(k_close, at + k_open.size());
    if (end == std::string_view::npos)
      break;
    const std::string name(text.substr(at + k_open.size(), end - at - k_open.size()));
    const auto it = values.find(name);
    if (it == values.end())
      return Error(Errc::invalid_input,
                   fmt::format("no value for the secret {}", util::quoted(name)))
          .with_hint("the step that creates it (kubeadm init) must run first in this apply");
    if (!safe_in_quotes(it->second))
      return Error(Errc::invalid_input,
                   fmt::format("the secret {} holds a quote, backslash or control character",
                               util::quoted(name)));
    out.append(text.substr(from, at - from));
    out.append(it->second);
    from = end + k_close.size();
  }
  out.append(text.substr(from));
  return out;
}

} // namespace acp::kubernetes
