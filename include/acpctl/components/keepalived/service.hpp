#pragma once
// How keepalived runs as the platform service "keepalived" (acp-keepalived).

#include "acpctl/service/spec.hpp"

#include <string_view>

namespace acp::keepalived {

/// PID files live directly in /run: keepalived does not create missing directories and /run
/// is emptied at boot, so a subdirectory would make the service fail after a reboot.
inline constexpr std::string_view k_pid_file = "/run/acp-keepalived.pid";
inline constexpr std::string_view k_vrrp_pid_file = "/run/acp-keepalived-vrrp.pid";

/// keepalived in the foreground (the supervisor owns it), VRRP only (no IPVS checker
/// process), logging to stderr (the supervisor's log) and not to syslog, reading
/// k_config_path. Healthy = running; the VIP moves on its own.
service::ServiceSpec service_spec();

} // namespace acp::keepalived
