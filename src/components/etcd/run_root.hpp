#pragma once
// Running one command as root on an etcd node, for the snapshot and restore operations.

#include "acpctl/transport/transport.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace acp::etcd::detail {

/// Runs `argv` as root within `limit`; a non-zero exit is an Errc::remote error with its
/// stderr, naming the host.
Result<transport::CommandResult> run_root(transport::Transport& on, std::vector<std::string> argv,
                                          std::chrono::seconds limit);

} // namespace acp::etcd::detail
