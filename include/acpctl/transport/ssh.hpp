#pragma once
// SshTransport: one authenticated libssh2 session per node, reused for every command.

#include "acpctl/config/model.hpp"
#include "acpctl/transport/retry.hpp"
#include "acpctl/transport/transport.hpp"

#include <memory>

namespace acp::transport {

struct SshOptions {
  RetryPolicy retry;          ///< for transient connection failures only
  int keepalive_seconds = 15; ///< keepalive interval on idle sessions
  std::string ciphers;        ///< libssh2 cipher preference list; empty: built-in default
};

/// A Transport that reaches `node` over SSH with `settings` (user, keys, bastion, known_hosts,
/// host key policy, connect timeout). Connects lazily on first use; resolves the sudo and
/// login passwords from their SecretRefs then, failing with Errc::invalid_input naming the
/// variable or file.
std::unique_ptr<Transport> make_ssh_transport(const config::Node& node,
                                              const config::SshSettings& settings,
                                              SshOptions options = {});

} // namespace acp::transport
