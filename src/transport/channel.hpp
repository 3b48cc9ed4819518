#pragma once
// One command on one SSH channel: feeds stdin, drains stdout and stderr at the same time
// (so neither side can stall on a full window), honours a deadline, and returns the exit
// status. Used for commands, uploads (stdin carries the file) and downloads.

#include "acpctl/transport/transport.hpp"
#include "ssh_session.hpp"

#include <functional>
#include <optional>

namespace acp::transport::detail {

struct ChannelJob {
  std::string line;              ///< the remote command line (already quoted)
  std::string preamble;          ///< written to stdin before `input` (the sudo password)
  std::istream* input = nullptr; ///< then this, then EOF
  /// Hears every chunk of `input` once it is sent (for hashing while uploading).
  std::function<void(std::string_view)> on_input;
  /// Receives raw stdout bytes instead of collecting them (downloads); returns false to abort.
  std::function<bool(std::string_view)> on_output;
  LineSink on_line; ///< lines of stdout/stderr; empty: debug log
  std::optional<Clock::time_point> deadline;
};

struct ChannelOutcome {
  int exit_code = 0;
  std::string signal; ///< set when the command was killed by a signal
  std::string out;
  std::string err;
  std::uint64_t sent = 0; ///< bytes of `input` sent
};

/// Runs `job` on a new channel of `session`. Errors: Errc::timeout at the deadline,
/// Errc::connect when the connection breaks (the session is marked broken), Errc::io when
/// `input` cannot be read.
Result<ChannelOutcome> run_channel(SshSession& session, ChannelJob& job);

} // namespace acp::transport::detail
