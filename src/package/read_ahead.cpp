#include "read_ahead.hpp"

#include "acpctl/util/fs.hpp"

#include <cerrno>
#include <unistd.h>

namespace acp::package::detail {

ReadAhead::ReadAhead(int fd, std::string name) : m_fd(fd), m_name(std::move(name)) {
  for (std::size_t i = 0; i < k_buffers; ++i) {
    m_buffers.emplace_back(k_buffer_size);
    m_free.push_back(i);
  }
  m_thread = std::thread([this] { produce(); });
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void ReadAhead::produce() {
  while (true) {
    std::size_t index = 0;
    {
      std::unique_lock lock(m_mutex);
      m_changed.wait(lock, [&] { return m_stop || !m_free.empty(); });
      if (m_stop)
        return;
      index = m_free.front();
      m_free.pop_front();
    }
    auto& buffer = m_buffers[index];
    ssize_t n = 0;
    do
      n = ::read(m_fd, buffer.data(), buffer.size());
    while (n < 0 && errno == EINTR);
    if (n < 0)
      m_error = util::with_errno("cannot read " + m_name);
    if (n > 0)
      m_hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    else if (m_error.empty())
      m_digest = m_hash.hex_digest();
    {
      std::lock_guard lock(m_mutex);
      m_filled.push_back(Chunk{index, n > 0 ? static_cast<std::size_t>(n) : 0});
    }
    m_changed.notify_all();
    if (n <= 0)
      return;
  }
}

std::span<const char> ReadAhead::next() {
  std::unique_lock lock(m_mutex);
  if (m_held < k_buffers) {
    m_free.push_back(m_held);
    m_held = k_buffers;
    m_changed.notify_all();
  }
  if (m_done)
    return {};
  m_changed.wait(lock, [&] { return !m_filled.empty(); });
  const auto chunk = m_filled.front();
  m_filled.pop_front();
  if (chunk.size == 0) {
    m_done = true;
    m_free.push_back(chunk.buffer);
    return {};
  }
  m_held = chunk.buffer;
  return std::span<const char>(m_buffers[chunk.buffer].data(), chunk.size);
}

std::string ReadAhead::finish() {
  while (!next().empty()) {
  }
  std::lock_guard lock(m_mutex);
  return m_error.empty() ? m_digest : std::string();
}

} // namespace acp::package::detail
