// spec.kubernetesVersion: the one parser of a release number, for validate and the kubernetes
// component alike.

#include "acpctl/config/kubernetes.hpp"

#include <charconv>
#include <fmt/format.h>

namespace acp::config {

namespace {

// Digits only: from_chars alone would take "-0".
bool take_number(std::string_view& text, int& out) {
  if (text.empty() || text.front() < '0' || text.front() > '9')
    return false;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc{})
    return false;
  text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
  return true;
}

bool take_dot(std::string_view& text) {
  if (!text.starts_with('.'))
    return false;
  text.remove_prefix(1);
  return true;
}

} // namespace

std::string KubeVersion::to_string() const {
  return fmt::format("v{}.{}.{}", major, minor, patch);
}

std::optional<KubeVersion> parse_kube_version(std::string_view text) {
  if (text.starts_with('v'))
    text.remove_prefix(1);
  KubeVersion v;
  if (!take_number(text, v.major) || !take_dot(text) || !take_number(text, v.minor) ||
      !take_dot(text) || !take_number(text, v.patch) || !text.empty())
    return std::nullopt;
  return v;
}

} // namespace acp::config
