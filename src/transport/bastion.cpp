// Reaching a node through a bastion: a direct-tcpip channel on the bastion's session, pumped
// to a socketpair by a thread. The node's session then runs over the socketpair exactly as
// over TCP, so nothing above this file knows a bastion is involved.

#include "ssh_session.hpp"

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace acp::transport::detail {

struct Tunnel::Thread {
  std::thread thread;
  std::atomic<bool> stop{false};
};

Result<std::unique_ptr<Tunnel>> Tunnel::open(std::unique_ptr<SshSession> bastion,
                                             const std::string& address, int port, int& local_fd) {
  std::unique_ptr<Tunnel> t(new Tunnel());
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  LIBSSH2_CHANNEL* channel = nullptr;
  while ((channel = libssh2_channel_direct_tcpip_ex(bastion->get(), address.c_str(), port,
                                                    "127.0.0.1", 22)) == nullptr &&
         libssh2_session_last_errno(bastion->get()) == LIBSSH2_ERROR_EAGAIN) {
    if (!bastion->wait(deadline))
      return Error(Errc::timeout, fmt::format("bastion {} did not open a connection to {}:{} "
                                              "in time",
                                              bastion->name(), address, port));
  }
  if (channel == nullptr)
    return Error(Errc::connect, fmt::format("bastion {} cannot reach {}:{}: {}", bastion->name(),
                                            address, port, bastion->last_error()))
        .with_hint("check that the bastion can reach the node and that its sshd allows TCP "
                   "forwarding (AllowTcpForwarding yes)");
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    libssh2_channel_free(channel);
    return Error(Errc::io, "cannot create a socketpair for the bastion tunnel");
  }
  ::fcntl(sv[1], F_SETFL, ::fcntl(sv[1], F_GETFL) | O_NONBLOCK);
  local_fd = sv[0];
  t->m_fd = sv[1];
  t->m_channel = channel;
  t->m_bastion = std::move(bastion);
  t->m_thread = std::make_unique<Thread>();
  t->m_thread->thread = std::thread([raw = t.get()] { raw->pump(); });
  return t;
}

Tunnel::~Tunnel() {
  if (m_thread) {
    m_thread->stop = true;
    m_thread->thread.join();
  }
  if (m_channel != nullptr)
    libssh2_channel_free(m_channel);
  if (m_fd >= 0)
    ::close(m_fd);
}

void Tunnel::pump() {
  constexpr std::size_t k_high_water = 4 << 20;
  std::string to_node, to_channel;
  bool channel_eof = false, node_eof = false, shut = false;
  std::vector<char> buffer(256 * 1024);
  LIBSSH2_SESSION* session = m_bastion->get();
  while (!m_thread->stop) {
    bool progress = false;
    if (!channel_eof && to_node.size() < k_high_water) {
      const auto n = libssh2_channel_read(m_channel, buffer.data(), buffer.size());
      if (n > 0) {
        to_node.append(buffer.data(), static_cast<std::size_t>(n));
        progress = true;
      } else if (n == 0 && libssh2_channel_eof(m_channel)) {
        channel_eof = true;
      } else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) {
        break;
      }
    }
    if (!to_node.empty()) {
      const auto w = ::send(m_fd, to_node.data(), to_node.size(), MSG_NOSIGNAL);
      if (w > 0) {
        to_node.erase(0, static_cast<std::size_t>(w));
        progress = true;
      } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
        break;
      }
    }
    if (channel_eof && to_node.empty() && !shut) {
      ::shutdown(m_fd, SHUT_WR);
      shut = true;
    }
    if (!node_eof && to_channel.size() < k_high_water) {
      const auto r = ::recv(m_fd, buffer.data(), buffer.size(), 0);
      if (r > 0) {
        to_channel.append(buffer.data(), static_cast<std::size_t>(r));
        progress = true;
      } else if (r == 0) {
        node_eof = true;
      } else if (errno != EAGAIN && errno != EINTR) {
        node_eof = true;
      }
    }
    if (!to_channel.empty()) {
      const auto w = libssh2_channel_write(m_channel, to_channel.data(), to_channel.size());
      if (w > 0) {
        to_channel.erase(0, static_cast<std::size_t>(w));
        progress = true;
      } else if (w < 0 && w != LIBSSH2_ERROR_EAGAIN) {
        break;
      }
    }
    if (node_eof && to_channel.empty())
      break;
    if (!progress) {
      const int dir = libssh2_session_block_directions(session);
      pollfd fds[2] = {{m_fd, static_cast<short>(POLLIN | (to_node.empty() ? 0 : POLLOUT)), 0},
                       {m_bastion->socket(), POLLIN, 0}};
      if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
        fds[1].events |= POLLOUT;
      if (node_eof)
        fds[0].events &= ~POLLIN;
      ::poll(fds, 2, 100);
    }
  }
  // Wake the node session: it sees the tunnel as a closed connection.
  ::shutdown(m_fd, SHUT_RDWR);
}

} // namespace acp::transport::detail
