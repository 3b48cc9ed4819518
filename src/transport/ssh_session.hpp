#pragma once
// An authenticated libssh2 session over a TCP socket (or over a bastion tunnel), as one
// move-only RAII object. libssh2 stays inside src/transport.

#include "acpctl/config/model.hpp"
#include "acpctl/util/error.hpp"

#include <chrono>
#include <libssh2.h>
#include <memory>
#include <optional>
#include <string>

namespace acp::transport::detail {

using Clock = std::chrono::steady_clock;

/// Who to authenticate as and with what. Secrets are already resolved.
struct Credentials {
  std::string user;
  std::string key_path; ///< empty: agent, then the default key files
  std::string key_passphrase;
  std::string password; ///< empty: no password authentication
};

/// Everything needed to reach one SSH server.
struct Endpoint {
  std::string name; ///< for messages ("n1", "bastion")
  std::string address;
  int port = 22;
  Credentials credentials;
  std::string known_hosts;
  config::HostKeyPolicy policy = config::HostKeyPolicy::strict;
  std::chrono::seconds connect_timeout{10};
  int keepalive_seconds = 15;
  /// A connection that answers nothing (not even a keepalive) for this long is dead: the
  /// waiting operation fails naming the host. 0: never.
  std::chrono::seconds idle_timeout{30};
  std::string ciphers;
};

class Tunnel;

class SshSession {
public:
  /// Connects (directly, or through `bastion` when given), checks the host key and
  /// authenticates. Errors: Errc::connect / Errc::timeout (transient), Errc::auth.
  static Result<std::unique_ptr<SshSession>> open(const Endpoint& target,
                                                  const std::optional<Endpoint>& bastion);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  LIBSSH2_SESSION* get() const { return m_session; }
  int socket() const { return m_fd; }
  const std::string& name() const { return m_name; }

  /// Waits until the socket is ready in the directions libssh2 is blocked on, or `deadline`
  /// passes (returns false). Sends keepalives while waiting; when nothing arrives from the
  /// server (not even a keepalive's answer) for the idle timeout, marks the session broken
  /// and idle (idle_expired()) and returns false.
  bool wait(std::optional<Clock::time_point> deadline);
  /// The operation made progress (data moved): the idle clock starts again.
  void note_progress() { m_quiet_since.reset(); }
  /// True once wait() gave up because the server went silent for the idle timeout.
  bool idle_expired() const { return m_idle_expired; }
  std::chrono::seconds idle_timeout() const { return m_idle_timeout; }
  /// libssh2's last error message.
  std::string last_error() const;
  /// True once the connection failed at the socket level; the session must be replaced.
  bool broken() const { return m_broken; }
  void mark_broken() { m_broken = true; }

private:
  SshSession() = default;
  Status handshake(const Endpoint& target);

  LIBSSH2_SESSION* m_session = nullptr;
  int m_fd = -1;
  std::string m_name;
  bool m_broken = false;
  std::chrono::seconds m_idle_timeout{0};
  std::optional<Clock::time_point> m_quiet_since; ///< waiting with nothing received since
  bool m_idle_expired = false;
  std::unique_ptr<Tunnel> m_tunnel; ///< destroyed after the session that uses it
};

/// Opens a TCP connection with a deadline. Errc::connect for refused/unreachable/reset,
/// Errc::timeout when the deadline passes.
Result<int> tcp_connect(const std::string& name, const std::string& address, int port,
                        std::chrono::seconds timeout);

/// Authenticates a handshaken session (blocking mode). Errc::auth on refusal, naming what
/// was tried.
Status authenticate(LIBSSH2_SESSION* session, const Endpoint& target);

/// A direct-tcpip channel through a bastion session, exposed as a local socket: a pump thread
/// moves bytes between one end of a socketpair and the channel, so the node's own session
/// can use the other end as if it were a TCP socket.
class Tunnel {
public:
  /// Opens the channel to `address`:`port` through `bastion`; `local_fd` receives the
  /// socket end for the node session. Errc::connect if the bastion cannot reach the node.
  static Result<std::unique_ptr<Tunnel>> open(std::unique_ptr<SshSession> bastion,
                                              const std::string& address, int port, int& local_fd);
  ~Tunnel();
  Tunnel(const Tunnel&) = delete;
  Tunnel& operator=(const Tunnel&) = delete;

private:
  Tunnel() = default;
  void pump();

  std::unique_ptr<SshSession> m_bastion;
  LIBSSH2_CHANNEL* m_channel = nullptr;
  int m_fd = -1;
  struct Thread;
  std::unique_ptr<Thread> m_thread;
};

} // namespace acp::transport::detail
