// Maps package::Component onto plan::DesiredComponent. Relative service paths resolve
// through the `current` link so an upgrade is a link switch plus a restart.

#include "acpctl/plan/from_package.hpp"

#include "acpctl/service/manager.hpp"
#include "acpctl/state/node_state.hpp"

#include <array>
#include <fmt/format.h>

namespace acp::plan {

namespace {

Result<config::Role> role_of(const std::string& text, const std::string& component) {
  constexpr std::array all{config::Role::control_plane, config::Role::etcd, config::Role::worker,
                           config::Role::ingress};
  for (auto role : all)
    if (config::to_string(role) == text)
      return role;
  return Error(Errc::invalid_input,
               fmt::format("component {} names an unknown role '{}'", component, text))
      .with_hint("roles are control-plane, etcd, worker, ingress; rebuild the package");
}

std::string resolve(const package::Component& c, const std::string& arg) {
  if (arg.empty() || arg.front() == '/')
    return arg;
  return state::current_link(c.name) + "/" + arg;
}

} // namespace

std::string node_relative_path(const package::Component& component, const std::string& path) {
  return package::component_relative_path(component, path);
}

Result<std::vector<DesiredComponent>> desired_from_manifest(const package::Manifest& manifest) {
  std::vector<DesiredComponent> out;
  for (const auto& c : manifest.components) {
    DesiredComponent d;
    d.name = c.name;
    d.version = c.version;
    d.digest = c.digest();
    d.content_digest = c.content_digest();
    d.release = manifest.version;
    for (const auto& image : c.images)
      d.images.push_back(image.ref + "@" + image.digest);
    for (const auto& r : c.roles) {
      auto role = role_of(r, c.name);
      if (!role)
        return std::move(role).error();
      d.roles.push_back(*role);
    }
    if (c.service) {
      service::ServiceSpec spec;
      spec.name = c.name;
      for (const auto& arg : c.service->command)
        spec.command.push_back(spec.command.empty() ? resolve(c, arg) : arg);
      spec.user = c.service->user == "root" ? "" : c.service->user;
      for (const auto& [k, v] : c.service->environment)
        spec.environment.emplace_back(k, v);
      spec.working_dir = state::current_link(c.name);
      if (const auto& hc = c.service->health_check) {
        for (const auto& arg : hc->command)
          spec.health_check.push_back(spec.health_check.empty() ? resolve(c, arg) : arg);
        spec.check_interval_seconds = hc->interval_seconds;
        spec.check_timeout_seconds = hc->timeout_seconds;
        spec.start_seconds = hc->start_seconds.value_or(spec.start_seconds);
      }
      d.ports = c.service->ports;
      spec.restart = service::restart_policy(c.service->restart);
      if (auto ok = service::validate(spec); !ok)
        return Error(std::move(ok).error()).context("component " + c.name);
      d.service = std::move(spec);
    }
    out.push_back(std::move(d));
  }
  return out;
}

} // namespace acp::plan
