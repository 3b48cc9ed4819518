#pragma once
// Progress of an apply, reported as events to an observer. It is a seam on purpose: the
// runner reports what happens and never decides how it looks; the CLI picks a live terminal
// view, plain log lines, or NDJSON events for CI, and tests record the events.

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace acp::runner {

/// What happened. Host-less events (apply_started, apply_finished, message) leave host empty.
enum class EventType {
  apply_started,
  stage_started,
  step_started,
  step_finished,
  step_failed,
  stage_finished,
  apply_finished,
  message
};

/// The event's name in JSON and logs ("step_finished").
std::string_view to_string(EventType type);

/// One progress event. `seconds` is the duration of what finished (0 when not known).
/// apply_finished with a host ends that host's part (its live line shows ✓ or ✗); without a
/// host it ends the whole apply. step_failed marks its host as failed.
struct Event {
  EventType type;
  std::string host;
  std::string stage;
  std::string step;
  std::string message;
  double seconds = 0;
};

/// Observer of apply progress; thread-safe (hosts run in parallel).
class Progress {
public:
  virtual ~Progress() = default;
  /// Reports one event. Never throws for output problems; messages are redacted.
  virtual void emit(const Event& event) = 0;
};

/// Schema version of the NDJSON events (`"schema": 1`).
inline constexpr int k_progress_schema = 1;

/// Live line per host on a terminal, plain log lines otherwise, NDJSON events (schema 1) with json.
/// json writes to stdout; the terminal view writes to stderr; plain lines go through acp::log.
std::unique_ptr<Progress> make_progress(bool json, bool terminal, bool color);

/// Seconds since some fixed point; injected so tests see deterministic elapsed times.
using Clock = std::function<double()>;
/// Wall-clock time as RFC 3339 UTC text; injected so tests see a fixed time.
using WallClock = std::function<std::string()>;

/// One JSON object per line on `out`:
/// {"schema":1,"type":…,"time":"RFC3339","host":…,"stage":…,"step":…,"message":…,"seconds":…}.
std::unique_ptr<Progress> make_json_progress(std::ostream& out, WallClock now = {});
/// One plain line per event on `out`, prefixed "[host] " when the event has a host.
std::unique_ptr<Progress> make_plain_progress(std::ostream& out);
/// One line per host, redrawn in place with ANSI cursor movement: host, stage/step, elapsed;
/// finished hosts show ✓ (ok) or ✗ (FAILED without color). Messages print above the block.
/// `columns` (0: unlimited) is the terminal's width: longer step texts are cut with "...".
std::unique_ptr<Progress> make_terminal_progress(std::ostream& out, bool color, Clock clock = {},
                                                 std::size_t columns = 0);

} // namespace acp::runner
