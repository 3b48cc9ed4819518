#include "channel.hpp"

#include "line_splitter.hpp"

#include <fmt/format.h>
#include <vector>

namespace acp::transport::detail {

namespace {

// A large receive window keeps downloads from stalling on window adjustments.
constexpr unsigned k_window = 16u << 20;
constexpr std::size_t k_chunk = 1u << 20;

class ChannelHandle {
public:
  explicit ChannelHandle(LIBSSH2_CHANNEL* c) : m_channel(c) {}
  ~ChannelHandle() {
    if (m_channel != nullptr)
      libssh2_channel_free(m_channel);
  }
  ChannelHandle(const ChannelHandle&) = delete;
  ChannelHandle& operator=(const ChannelHandle&) = delete;
  LIBSSH2_CHANNEL* get() const { return m_channel; }

private:
  LIBSSH2_CHANNEL* m_channel;
};

Error broken(SshSession& s, const std::string& doing) {
  s.mark_broken();
  return Error(Errc::connect, fmt::format("connection lost while {}: {}", doing, s.last_error()))
      .with_host(s.name());
}

Error timed_out(SshSession& s) {
  // The channel is abandoned mid-stream; the session cannot be trusted any more.
  s.mark_broken();
  if (s.idle_expired())
    return Error(Errc::timeout,
                 fmt::format("no answer from the node for {} s (not even to SSH keepalives)",
                             s.idle_timeout().count()))
        .with_host(s.name())
        .with_hint("check that the node is up and its network link works; then run the same "
                   "command again (it resumes); --timeout changes how long acpctl waits");
  return Error(Errc::timeout, "command timed out").with_host(s.name());
}

// Opens a session channel; the caller owns it.
Result<LIBSSH2_CHANNEL*> open_channel(SshSession& s, const ChannelJob& job) {
  LIBSSH2_SESSION* session = s.get();
  LIBSSH2_CHANNEL* raw = nullptr;
  while ((raw = libssh2_channel_open_ex(session, "session", 7, k_window,
                                        LIBSSH2_CHANNEL_PACKET_DEFAULT, nullptr, 0)) == nullptr) {
    if (libssh2_session_last_errno(session) != LIBSSH2_ERROR_EAGAIN)
      return broken(s, "opening a channel");
    if (!s.wait(job.deadline))
      return timed_out(s);
  }
  return raw;
}

Status start_command(SshSession& s, LIBSSH2_CHANNEL* raw, const ChannelJob& job) {
  int rc;
  while ((rc = libssh2_channel_exec(raw, job.line.c_str())) == LIBSSH2_ERROR_EAGAIN)
    if (!s.wait(job.deadline))
      return timed_out(s);
  if (rc != 0)
    return broken(s, "starting the command");
  return {};
}

// The stdin side of the channel: the preamble, then job.input, then EOF.
struct InputState {
  explicit InputState(const ChannelJob& job)
      : pending(job.preamble), input_done(job.input == nullptr) {}
  std::vector<char> chunk = std::vector<char>(k_chunk);
  std::string_view pending; // the preamble, then views of chunk
  std::size_t offset = 0;
  bool input_done;
  bool eof_sent = false;
};

// stdin: refill from the input stream, write until libssh2 would block, send the EOF once all
// is written. Sets `progress` when anything went out.
Status send_input(SshSession& s, LIBSSH2_CHANNEL* raw, ChannelJob& job, InputState& in,
                  ChannelOutcome& outcome, bool& progress) {
  // An offset into the buffer, not erase(), so a partial write does not move the rest of the
  // chunk.
  if (in.offset == in.pending.size() && !in.input_done) {
    job.input->read(in.chunk.data(), static_cast<std::streamsize>(in.chunk.size()));
    const auto n = static_cast<std::size_t>(job.input->gcount());
    if (n == 0 && job.input->bad())
      return Error(Errc::io, "cannot read the data to send").with_host(s.name());
    in.pending = std::string_view(in.chunk.data(), n);
    in.offset = 0;
    if (n == 0) {
      in.input_done = true;
    } else {
      if (job.on_input)
        job.on_input(in.pending);
      outcome.sent += n;
    }
  }
  while (in.offset < in.pending.size()) {
    const auto w =
        libssh2_channel_write(raw, in.pending.data() + in.offset, in.pending.size() - in.offset);
    if (w == LIBSSH2_ERROR_EAGAIN)
      break;
    if (w == LIBSSH2_ERROR_CHANNEL_CLOSED || w == LIBSSH2_ERROR_CHANNEL_EOF_SENT) {
      // The command stopped reading its input; what it printed still counts.
      in.offset = in.pending.size();
      in.input_done = in.eof_sent = true;
      break;
    }
    if (w < 0)
      return broken(s, "sending input");
    in.offset += static_cast<std::size_t>(w);
    progress = true;
  }
  if (in.offset == in.pending.size() && in.input_done && !in.eof_sent) {
    const int rc = libssh2_channel_send_eof(raw);
    if (rc == 0) {
      in.eof_sent = true;
      progress = true;
    } else if (rc != LIBSSH2_ERROR_EAGAIN) {
      return broken(s, "closing input");
    }
  }
  return {};
}

// The stdout and stderr side: where the bytes go.
struct OutputSinks {
  ChannelJob& job;
  ChannelOutcome& outcome;
  LineSplitter& out_lines;
  LineSplitter& err_lines;
  std::vector<char>& buffer;
};

// stdout and stderr: reads both until libssh2 would block. Sets `progress` when anything came.
Status read_output(SshSession& s, LIBSSH2_CHANNEL* raw, OutputSinks& to, bool& progress) {
  for (int stream : {0, SSH_EXTENDED_DATA_STDERR}) {
    while (true) {
      const auto n = libssh2_channel_read_ex(raw, stream, to.buffer.data(), to.buffer.size());
      if (n == LIBSSH2_ERROR_EAGAIN || n == 0)
        break;
      if (n < 0)
        return broken(s, "reading output");
      progress = true;
      const std::string_view data(to.buffer.data(), static_cast<std::size_t>(n));
      if (stream == 0 && to.job.on_output) {
        if (!to.job.on_output(data))
          return Error(Errc::io, "cannot write the downloaded data").with_host(s.name());
      } else if (stream == 0) {
        to.outcome.out.append(data);
        to.out_lines.feed(data);
      } else {
        to.outcome.err.append(data);
        to.err_lines.feed(data);
      }
    }
  }
  return {};
}

// Feeds stdin and drains stdout and stderr until the command's EOF.
Status pump(SshSession& s, LIBSSH2_CHANNEL* raw, ChannelJob& job, OutputSinks& to) {
  InputState in(job);
  bool drained = false;
  while (true) {
    bool progress = false;
    if (auto st = send_input(s, raw, job, in, to.outcome, progress); !st)
      return st;
    if (auto st = read_output(s, raw, to, progress); !st)
      return st;
    if (libssh2_channel_eof(raw)) {
      // One more pass: reading stderr may have pulled in stdout data queued before the EOF.
      if (drained)
        break;
      drained = true;
      continue;
    }
    if (progress)
      s.note_progress();
    else if (!s.wait(job.deadline))
      return timed_out(s);
    if (s.broken())
      return broken(s, "waiting for the command");
  }
  return {};
}

Status close_channel(SshSession& s, LIBSSH2_CHANNEL* raw, const ChannelJob& job) {
  while (libssh2_channel_close(raw) == LIBSSH2_ERROR_EAGAIN)
    if (!s.wait(job.deadline))
      return timed_out(s);
  while (libssh2_channel_wait_closed(raw) == LIBSSH2_ERROR_EAGAIN)
    if (!s.wait(job.deadline))
      return timed_out(s);
  return {};
}

} // namespace

Result<ChannelOutcome> run_channel(SshSession& s, ChannelJob& job) {
  s.note_progress(); // the idle clock counts within one operation
  auto opened = open_channel(s, job);
  if (!opened)
    return std::move(opened).error();
  LIBSSH2_CHANNEL* raw = *opened;
  ChannelHandle channel(raw);
  if (auto st = start_command(s, raw, job); !st)
    return std::move(st).error();

  ChannelOutcome outcome;
  LineSplitter out_lines(Stream::out, s.name(), job.on_line);
  LineSplitter err_lines(Stream::err, s.name(), job.on_line);
  std::vector<char> buffer(256 * 1024);
  OutputSinks sinks{job, outcome, out_lines, err_lines, buffer};
  if (auto st = pump(s, raw, job, sinks); !st)
    return std::move(st).error();
  if (auto st = close_channel(s, raw, job); !st)
    return std::move(st).error();
  out_lines.flush();
  err_lines.flush();
  outcome.exit_code = libssh2_channel_get_exit_status(raw);
  char* signal = nullptr;
  if (libssh2_channel_get_exit_signal(raw, &signal, nullptr, nullptr, nullptr, nullptr, nullptr) ==
          0 &&
      signal != nullptr) {
    outcome.signal = signal;
    libssh2_free(s.get(), signal);
  }
  return outcome;
}

} // namespace acp::transport::detail
