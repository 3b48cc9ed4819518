#pragma once
// LocalTransport: runs commands on the machine acpctl runs on, without SSH.

#include "acpctl/transport/transport.hpp"

#include <memory>

namespace acp::transport {

/// A Transport for this machine. Commands are executed directly (no shell); with
/// Command::sudo and a non-root user they are prefixed with `sudo -n`.
std::unique_ptr<Transport> make_local_transport(std::string name = "local");

} // namespace acp::transport
