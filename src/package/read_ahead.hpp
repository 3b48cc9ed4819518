#pragma once
// Private to package: reads a file on a second thread, hashing every byte, a few large buffers
// ahead of the consumer. The raw-file sha256 (for the .sha256 sidecar) and the read system
// calls then overlap with decompression instead of adding to it. Memory: k_buffers buffers.

#include "acpctl/util/hash.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace acp::package::detail {

class ReadAhead {
public:
  /// Starts reading `fd` (not owned; it must outlive this object).
  ReadAhead(int fd, std::string name);
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  /// The next chunk; empty at end of file. The chunk stays valid until the next call. On a
  /// read error returns an empty span and error() is set.
  std::span<const char> next();
  /// Reads to the end and returns the sha256 (hex) of the whole file, or "" on a read error.
  std::string finish();
  const std::string& error() const { return m_error; }

private:
  static constexpr std::size_t k_buffers = 4;
  static constexpr std::size_t k_buffer_size = std::size_t{1} << 20;

  struct Chunk {
    std::size_t buffer = 0;
    std::size_t size = 0; ///< 0 = end of file (or error)
  };

  void produce();

  int m_fd;
  std::string m_name;
  std::vector<std::vector<char>> m_buffers;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::size_t> m_free;
  std::deque<Chunk> m_filled;
  bool m_stop = false;
  bool m_done = false;            ///< the consumer saw the end
  std::size_t m_held = k_buffers; ///< buffer the consumer holds; k_buffers = none
  util::Sha256 m_hash;
  std::string m_digest;
  std::string m_error; ///< written by the producer before it queues its last chunk
  std::thread m_thread;
};

} // namespace acp::package::detail
