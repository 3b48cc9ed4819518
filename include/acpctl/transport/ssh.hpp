#pragma once
// SshTransport: one authenticated libssh2 session per node, reused for every command.

#include "acpctl/config/model.hpp"
#include "acpctl/transport/retry.hpp"
#include "acpctl/transport/transport.hpp"

#include <chrono>
#include <memory>

namespace acp::transport {

/// The process-wide idle timeout of new SSH sessions (the CLI's --timeout, set once at
/// start-up like the log level): a node that answers nothing, not even a keepalive, for this
/// long fails the operation waiting on it with an error naming it. Default 30 s; 0: never.
void set_idle_timeout(std::chrono::seconds timeout);
std::chrono::seconds idle_timeout();

struct SshOptions {
  RetryPolicy retry;          ///< for transient connection failures only
  int keepalive_seconds = 15; ///< keepalive interval on idle sessions (at most a third of idle)
  std::chrono::seconds idle_timeout = transport::idle_timeout();
  std::string ciphers; ///< libssh2 cipher preference list; empty: built-in default
};

/// A Transport that reaches `node` over SSH with `settings` (user, keys, bastion, known_hosts,
/// host key policy, connect timeout). Connects lazily on first use; resolves the sudo and
/// login passwords from their SecretRefs then, failing with Errc::invalid_input naming the
/// variable or file.
std::unique_ptr<Transport> make_ssh_transport(const config::Node& node,
                                              const config::SshSettings& settings,
                                              SshOptions options = {});

} // namespace acp::transport
