#pragma once
// How the runner reaches a node. This is its one I/O seam, on purpose: the CLI opens SSH
// (transport::make_ssh_transport), unit tests hand out transport::FakeTransport, so status,
// plan and apply are tested without a network.

#include "acpctl/config/model.hpp"
#include "acpctl/transport/transport.hpp"

#include <functional>
#include <memory>

namespace acp::runner {

/// Opens a transport to a node (SSH in the CLI, fakes in tests). Transports connect lazily.
using Connect = std::function<std::unique_ptr<transport::Transport>(const config::Node&)>;

} // namespace acp::runner
