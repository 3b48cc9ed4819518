// Stage "distribute": component files go to /opt/acp/components/<name>/<version> and the
// current link switches to them. Equal digests mean nothing to do.

#include "packaged.hpp"
#include "reasons.hpp"

#include <charconv>
#include <fmt/format.h>
#include <optional>

namespace acp::packaged {

using namespace plan;

namespace detail {

std::string roles_text(const std::vector<config::Role>& roles) {
  std::string out;
  for (auto role : roles)
    out += (out.empty() ? "" : ", ") + std::string(config::to_string(role));
  return out;
}

std::string short_digest(const std::string& digest) {
  const auto colon = digest.find(':');
  const auto hex_start = colon == std::string::npos ? 0 : colon + 1;
  return digest.substr(0, hex_start + 12);
}

} // namespace detail

namespace {

// Dotted numeric parts compared left to right ("3.5.9" < "3.5.16"); a leading "v" is ignored.
// Returns <0, 0 or >0; 0 also when the versions cannot be compared that way.
int compare_versions(std::string_view a, std::string_view b) {
  const auto strip = [](std::string_view v) { return v.starts_with('v') ? v.substr(1) : v; };
  a = strip(a);
  b = strip(b);
  while (!a.empty() || !b.empty()) {
    unsigned long x = 0;
    unsigned long y = 0;
    const auto [pa, ea] = std::from_chars(a.data(), a.data() + a.size(), x);
    const auto [pb, eb] = std::from_chars(b.data(), b.data() + b.size(), y);
    if ((ea != std::errc() && !a.empty()) || (eb != std::errc() && !b.empty()))
      return 0;
    if (x != y)
      return x < y ? -1 : 1;
    a = a.substr(static_cast<std::size_t>(pa - a.data()));
    b = b.substr(static_cast<std::size_t>(pb - b.data()));
    if ((!a.empty() && a.front() != '.') || (!b.empty() && b.front() != '.'))
      return 0;
    a = a.empty() ? a : a.substr(1);
    b = b.empty() ? b : b.substr(1);
  }
  return 0;
}

std::string version_reason(const std::string& from, const std::string& to) {
  const auto order = compare_versions(from, to);
  return order < 0 ? "upgrade" : order > 0 ? "downgrade" : "version changed";
}

} // namespace

bool same_content(const state::InstalledComponent& have, const DesiredComponent& want) {
  return !have.content_digest.empty() && have.content_digest == want.content_digest;
}

namespace {

// A step that sends no bytes: a relabel of the current version, or a rollback to the
// previous one (still on the node). Null when the content must be uploaded.
std::optional<Step> without_upload(const state::InstalledComponent& have,
                                   const DesiredComponent& want) {
  Step step;
  step.action = Action::change;
  step.from_version = have.version;
  if (have.previous && have.previous->digest == want.digest) {
    step.reason = fmt::format("switch to {} (kept on the node)", want.version);
    step.params = make_params(DistributeParams{"reactivate", have.previous->version});
    return step;
  }
  if (!same_content(have, want))
    return std::nullopt;
  step.reason =
      fmt::format("relabel {} -> {} (same bytes, no restart)", have.version, want.version);
  step.params = make_params(DistributeParams{"relabel", have.version});
  return step;
}

} // namespace

void plan_distribute(const PlanInput&, const HostContext& host, std::vector<Step>& out) {
  for (const auto* want : host.desired) {
    const auto* have = host.facts.state.find(want->name);
    if (want->kept || (have && have->digest == want->digest))
      continue;
    Step step;
    if (auto quick = have ? without_upload(*have, *want) : std::nullopt) {
      step = std::move(*quick);
    } else if (!have) {
      step.action = Action::create;
      step.reason = want->roles.empty()
                        ? "new on this node"
                        : fmt::format("new on this node (for {})", detail::roles_text(want->roles));
    } else {
      step.action = Action::change;
      step.from_version = have->version;
      step.reason = version_reason(have->version, want->version);
    }
    step.component = want->name;
    step.to_version = want->version;
    step.digest = want->digest;
    out.push_back(std::move(step));
  }
}

} // namespace acp::packaged
