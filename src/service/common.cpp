// Shared by both managers: names, validation, and choosing a manager from facts.

#include "acpctl/service/manager.hpp"
#include "acpctl/util/shell.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::service {

std::string_view to_string(RestartPolicy policy) {
  switch (policy) {
  case RestartPolicy::never:
    return "never";
  case RestartPolicy::on_failure:
    return "on-failure";
  case RestartPolicy::always:
    break;
  }
  return "always";
}

RestartPolicy restart_policy(std::string_view text) {
  if (text == "never")
    return RestartPolicy::never;
  if (text == "on-failure")
    return RestartPolicy::on_failure;
  return RestartPolicy::always;
}

std::string unit_name(const std::string& name) {
  return "acp-" + name;
}

namespace {
bool is_name(std::string_view s, bool allow_underscore) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           (allow_underscore && c == '_');
  });
}
bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r' || c == 0; });
}
Error bad(const ServiceSpec& spec, const std::string& what) {
  return Error(Errc::invalid_input, fmt::format("service '{}': {}", spec.name, what))
      .with_hint("fix the component's service definition in the package manifest");
}
} // namespace

Status validate(const ServiceSpec& spec) {
  if (!is_name(spec.name, false))
    return bad(spec, "the name must be lower-case letters, digits and '-'");
  if (spec.command.empty() || !spec.command[0].starts_with('/'))
    return bad(spec, "the command must start with an absolute path");
  for (const auto& arg : spec.command)
    if (has_control(arg))
      return bad(spec, "a command argument contains a newline or NUL");
  if (!spec.user.empty() && !is_name(spec.user, true))
    return bad(spec, fmt::format("'{}' is not a valid user name", spec.user));
  if (!spec.working_dir.empty() &&
      (!spec.working_dir.starts_with('/') || has_control(spec.working_dir) ||
       spec.working_dir.find_first_of(" \t") != std::string::npos))
    return bad(spec, "the working directory must be an absolute path without spaces");
  for (const auto& [name, value] : spec.environment)
    if (!util::is_env_name(name) || has_control(value))
      return bad(spec, fmt::format("environment variable '{}' has a bad name or a newline in "
                                   "its value",
                                   name));
  return {};
}

std::string_view to_string(ManagerKind kind) {
  switch (kind) {
  case ManagerKind::systemd:
    return "systemd";
  case ManagerKind::runit:
    return "runit";
  case ManagerKind::unknown:
    break;
  }
  return "unknown";
}

Result<std::unique_ptr<ServiceManager>> for_host(ManagerKind kind, const std::string& host) {
  switch (kind) {
  case ManagerKind::systemd:
    return make_systemd();
  case ManagerKind::runit:
    return make_runit();
  case ManagerKind::unknown:
    break;
  }
  return Error(Errc::failed, "neither systemd (as PID 1) nor runit's runsvdir runs on this host")
      .with_host(host)
      .with_hint("boot the host with systemd, or install runit and run `runsvdir -P /etc/service`");
}

} // namespace acp::service
