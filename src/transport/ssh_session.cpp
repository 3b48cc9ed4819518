// Opening an SSH session: TCP (or bastion tunnel), handshake with our algorithm preferences,
// host key check against known_hosts, authentication. Blocking mode with libssh2's own
// timeout up to here; the session is non-blocking afterwards so commands can multiplex
// stdin, stdout and stderr and honour their deadlines.

#include "ssh_session.hpp"

#include "acpctl/util/fs.hpp"
#include "known_hosts.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <mutex>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace acp::transport::detail {

namespace {

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { libssh2_init(0); });
}

constexpr const char* k_default_ciphers = "aes128-ctr,aes256-ctr,aes192-ctr,aes128-cbc,aes256-cbc";
constexpr const char* k_macs = "hmac-sha2-256,hmac-sha2-512,hmac-sha1";

std::string host_key_preference(const std::vector<std::string>& known) {
  std::vector<std::string> order;
  for (const auto& type : known) {
    if (type == "ssh-rsa")
      order.insert(order.end(), {"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"});
    else
      order.push_back(type);
  }
  for (const char* t : {"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                        "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"})
    if (std::find(order.begin(), order.end(), t) == order.end())
      order.emplace_back(t);
  std::string out;
  for (const auto& t : order)
    out += (out.empty() ? "" : ",") + t;
  return out;
}

// The key type is the first string inside the key blob itself.
std::string blob_key_type(const std::string& blob) {
  if (blob.size() < 4)
    return "unknown";
  const auto* b = reinterpret_cast<const unsigned char*>(blob.data());
  const std::size_t len = (std::size_t(b[0]) << 24) | (std::size_t(b[1]) << 16) |
                          (std::size_t(b[2]) << 8) | std::size_t(b[3]);
  return len + 4 <= blob.size() ? blob.substr(4, len) : "unknown";
}

Errc errno_code(int err) {
  return err == ETIMEDOUT ? Errc::timeout : Errc::connect;
}

} // namespace

Result<int> tcp_connect(const std::string& name, const std::string& address, int port,
                        std::chrono::seconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(address.c_str(), service.c_str(), &hints, &found); rc != 0)
    return Error(Errc::connect, fmt::format("cannot resolve {}: {}", address, ::gai_strerror(rc)))
        .with_host(name);
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  const auto deadline = Clock::now() + timeout;
  int last_errno = 0;
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
      if (rc == 0) {
        errno = ETIMEDOUT;
        rc = -1;
      } else if (rc > 0) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        errno = err;
        rc = err == 0 ? 0 : -1;
      }
    }
    if (rc == 0) {
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      return fd;
    }
    last_errno = errno;
    ::close(fd);
  }
  const std::string what = last_errno == ETIMEDOUT
                               ? fmt::format("no answer within {} s", timeout.count())
                               : std::string(std::strerror(last_errno));
  return Error(errno_code(last_errno),
               fmt::format("cannot connect to {}:{}: {}", address, port, what))
      .with_host(name)
      .with_hint("check that the host is up, that sshd listens on port " + std::to_string(port) +
                 " and that no firewall is in the way");
}

Result<std::unique_ptr<SshSession>> SshSession::open(const Endpoint& target,
                                                     const std::optional<Endpoint>& bastion) {
  init_library();
  std::unique_ptr<SshSession> s(new SshSession());
  s->m_name = target.name;
  if (bastion) {
    auto hop = SshSession::open(*bastion, std::nullopt);
    if (!hop.ok())
      return Error(std::move(hop).error())
          .context("bastion " + bastion->address)
          .with_host(target.name);
    auto tunnel = Tunnel::open(std::move(*hop), target.address, target.port, s->m_fd);
    if (!tunnel.ok())
      return Error(std::move(tunnel).error()).with_host(target.name);
    s->m_tunnel = std::move(*tunnel);
  } else {
    auto fd = tcp_connect(target.name, target.address, target.port, target.connect_timeout);
    if (!fd.ok())
      return std::move(fd).error();
    s->m_fd = *fd;
  }
  if (auto st = s->handshake(target); !st.ok())
    return std::move(st).error();
  return s;
}

Status SshSession::handshake(const Endpoint& target) {
  m_session = libssh2_session_init();
  if (m_session == nullptr)
    return Error(Errc::failed, "libssh2 could not create a session").with_host(m_name);
  libssh2_session_set_blocking(m_session, 1);
  libssh2_session_set_timeout(
      m_session, static_cast<long>(std::chrono::milliseconds(target.connect_timeout).count()));
  auto known = KnownHosts::load(util::expand_home(target.known_hosts));
  if (!known.ok())
    return Error(std::move(known).error()).with_host(m_name);
  const std::string ciphers = target.ciphers.empty() ? k_default_ciphers : target.ciphers;
  libssh2_session_method_pref(m_session, LIBSSH2_METHOD_CRYPT_CS, ciphers.c_str());
  libssh2_session_method_pref(m_session, LIBSSH2_METHOD_CRYPT_SC, ciphers.c_str());
  libssh2_session_method_pref(m_session, LIBSSH2_METHOD_MAC_CS, k_macs);
  libssh2_session_method_pref(m_session, LIBSSH2_METHOD_MAC_SC, k_macs);
  libssh2_session_method_pref(
      m_session, LIBSSH2_METHOD_HOSTKEY,
      host_key_preference(known->known_types(target.address, target.port)).c_str());
  if (int rc = libssh2_session_handshake(m_session, m_fd); rc != 0) {
    const Errc code = rc == LIBSSH2_ERROR_TIMEOUT ? Errc::timeout : Errc::connect;
    return Error(code, fmt::format("SSH handshake with {}:{} failed: {}", target.address,
                                   target.port, last_error()))
        .with_host(m_name);
  }
  std::size_t key_len = 0;
  int key_kind = 0;
  const char* key = libssh2_session_hostkey(m_session, &key_len, &key_kind);
  if (key == nullptr)
    return Error(Errc::connect, "the server sent no host key").with_host(m_name);
  const std::string blob(key, key_len);
  if (auto st = verify_host_key(*known, target.policy, m_name, target.address, target.port,
                                blob_key_type(blob), blob);
      !st.ok())
    return st;
  if (auto st = authenticate(m_session, target); !st.ok())
    return Error(std::move(st).error()).with_host(m_name);
  // Keepalives that want a reply, often enough that a live server always answers within
  // the idle timeout (at least three chances).
  int keepalive = target.keepalive_seconds;
  m_idle_timeout = target.idle_timeout;
  if (m_idle_timeout.count() > 0)
    keepalive = std::max(1, std::min(keepalive, static_cast<int>(m_idle_timeout.count() / 3)));
  libssh2_keepalive_config(m_session, 1, static_cast<unsigned>(keepalive));
  libssh2_session_set_timeout(m_session, 0);
  libssh2_session_set_blocking(m_session, 0);
  return {};
}

SshSession::~SshSession() {
  if (m_session != nullptr) {
    libssh2_session_set_blocking(m_session, 1);
    libssh2_session_set_timeout(m_session, 2000);
    if (!m_broken)
      libssh2_session_disconnect(m_session, "acpctl done");
    libssh2_session_free(m_session);
  }
  if (m_fd >= 0)
    ::close(m_fd);
}

bool SshSession::wait(std::optional<Clock::time_point> deadline) {
  const int dir = libssh2_session_block_directions(m_session);
  // Always POLLIN: an answer (to a keepalive, too) is what proves the server is there.
  pollfd p{m_fd, POLLIN, 0};
  if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
    p.events |= POLLOUT;
  int next_keepalive = 0;
  libssh2_keepalive_send(m_session, &next_keepalive);
  long long wait_ms = next_keepalive > 0 ? next_keepalive * 1000LL : 1000;
  const auto now = Clock::now();
  if (!m_quiet_since)
    m_quiet_since = now;
  if (m_idle_timeout.count() > 0) {
    const auto idle_left = m_idle_timeout - (now - *m_quiet_since);
    if (idle_left <= Clock::duration::zero()) {
      m_idle_expired = m_broken = true;
      return false;
    }
    wait_ms = std::min<long long>(
        wait_ms, std::chrono::duration_cast<std::chrono::milliseconds>(idle_left).count() + 1);
  }
  if (deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now).count();
    if (left <= 0)
      return false;
    wait_ms = std::min<long long>(wait_ms, left);
  }
  ::poll(&p, 1, static_cast<int>(wait_ms));
  if (p.revents & (POLLERR | POLLNVAL))
    m_broken = true;
  if (p.revents & (POLLIN | POLLHUP))
    m_quiet_since.reset();
  return true;
}

std::string SshSession::last_error() const {
  char* message = nullptr;
  libssh2_session_last_error(m_session, &message, nullptr, 0);
  return message != nullptr && *message != '\0' ? message : "unknown libssh2 error";
}

} // namespace acp::transport::detail
