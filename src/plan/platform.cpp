// Shared by the platform stages' planners (pki, etcd, keepalived): file digests and the
// converge rule of a service set up from rendered files.

#include "acpctl/plan/planner.hpp"
#include "acpctl/service/spec.hpp"
#include "acpctl/util/hash.hpp"

#include <fmt/format.h>

namespace acp::plan {

const std::vector<FileDigest>& PlatformInput::of(const std::string& node,
                                                 const std::string& stage) const {
  static const std::vector<FileDigest> k_none;
  const auto n = files.find(node);
  if (n == files.end())
    return k_none;
  const auto s = n->second.find(stage);
  return s == n->second.end() ? k_none : s->second;
}

std::string files_digest(std::span<const FileDigest> files) {
  std::string text;
  for (const auto& f : files)
    text += fmt::format("{} {:04o} {}\n", f.path, f.mode, f.sha256);
  return "sha256:" + util::sha256_hex(text);
}

const HostContext* find_host(std::span<const HostContext> hosts, std::string_view name) {
  for (const auto& h : hosts)
    if (h.node.name == name)
      return &h;
  return nullptr;
}

std::string service_digest(std::span<const FileDigest> files, const std::string& binary_digest) {
  return "sha256:" + util::sha256_hex(files_digest(files) + "\n" + binary_digest);
}

const DesiredComponent* binary_component(const HostContext& host, std::string_view name) {
  for (const auto* c : host.desired)
    if (c->name == name && !c->service)
      return c;
  return nullptr;
}

std::optional<Step> plan_platform_service(const HostContext& host, const std::string& record,
                                          const std::string& service, const std::string& want,
                                          const std::string& what) {
  const auto* have = host.facts.state.find_record(record);
  const auto seen = host.facts.services.find(service);
  Step step;
  step.component = record;
  step.digest = want;
  if (!have) {
    step.action = Action::create;
    step.reason = fmt::format("set up and start {}", service::unit_name(service));
  } else if (have->digest != want) {
    step.action = Action::change;
    step.reason =
        fmt::format("{} changed: rewrite and restart {}", what, service::unit_name(service));
  } else if (seen == host.facts.services.end()) {
    step.action = Action::create;
    step.reason = fmt::format("service {} is not set up", service::unit_name(service));
  } else if (!seen->second) {
    step.action = Action::restart;
    step.reason = "service is down";
  } else {
    return std::nullopt;
  }
  return step;
}

} // namespace acp::plan
