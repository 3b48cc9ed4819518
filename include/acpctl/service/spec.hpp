#pragma once
// What a component's long-running process is, independent of the supervisor that runs it.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acp::service {

/// An argument vector; never a shell line.
using Argv = std::vector<std::string>;

enum class RestartPolicy { always, on_failure, never };

/// One service acpctl runs on a node. Its unit/service directory is named "acp-<name>".
struct ServiceSpec {
  std::string name; ///< [a-z0-9-]+, without the "acp-" prefix
  Argv command;     ///< argv[0] is an absolute path
  std::string user; ///< empty: root
  std::vector<std::pair<std::string, std::string>> environment; ///< name, value
  std::string working_dir;                                      ///< empty: "/"
  Argv health_check; ///< exits 0 when healthy; empty: running is healthy
  RestartPolicy restart = RestartPolicy::always;
  // The health gate after a (re)start (the package's healthCheck timing):
  int start_seconds = 15;         ///< wait this long for running and a passing check
  int check_interval_seconds = 2; ///< between health checks
  int check_timeout_seconds = 5;  ///< a check running longer failed
  // What a container runtime needs from its supervisor:
  /// A stop or restart signals the main process only, so the containers (the shims it
  /// started) keep running (systemd KillMode=process; runit signals only the main process).
  bool keep_children = false;
  /// Open-file limit of the process; 0: the supervisor's default (systemd LimitNOFILE;
  /// runit chpst -o, the soft limit up to the hard one).
  unsigned long open_files = 0;
  /// The service manages cgroups below its own (systemd Delegate=yes; no meaning on runit).
  bool delegate_cgroups = false;
};

/// A package's word for the policy ("always", "on-failure", "never"), and back; an unknown
/// word is "always".
std::string_view to_string(RestartPolicy policy);
RestartPolicy restart_policy(std::string_view text);

/// "acp-<name>": the supervisor's name for the service.
std::string unit_name(const std::string& name);

} // namespace acp::service
