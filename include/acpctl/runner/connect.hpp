#pragma once
// How the runner reaches a node. This is its one I/O seam, on purpose: commands get SSH
// (ssh_connect), unit tests hand out transport::FakeTransport, so status, plan and apply are
// tested without a network. The CLI never opens a connection itself.

#include "acpctl/config/model.hpp"
#include "acpctl/transport/transport.hpp"

#include <chrono>
#include <functional>
#include <memory>

namespace acp::runner {

/// Opens a transport to a node (SSH in the CLI, fakes in tests). Transports connect lazily.
using Connect = std::function<std::unique_ptr<transport::Transport>(const config::Node&)>;

/// SSH to each node with `ssh` (the cluster's settings; copied into the Connect).
Connect ssh_connect(const config::SshSettings& ssh);

/// How long a node may answer nothing, not even an SSH keepalive, before the operation
/// waiting on it fails naming it (the global --timeout; default 30 s). Set once at start-up.
void set_node_timeout(std::chrono::seconds timeout);

} // namespace acp::runner
