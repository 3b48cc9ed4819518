// Plain progress for logs and pipes: one line per event, "[host] " first, nothing redrawn.

#include "acpctl/runner/progress.hpp"
#include "acpctl/util/log.hpp"

#include <fmt/format.h>
#include <mutex>

namespace acp::runner {

namespace {

std::string text_of(const Event& e) {
  const auto where = e.step.empty() ? e.stage : e.stage + ": " + e.step;
  switch (e.type) {
  case EventType::apply_started:
    return e.message.empty() ? "apply started" : e.message;
  case EventType::stage_started:
    return fmt::format("stage {} started", e.stage);
  case EventType::step_started:
    return where + " ...";
  case EventType::step_finished:
    return fmt::format("{} done ({:.1f}s)", where, e.seconds);
  case EventType::step_failed:
    return fmt::format("{} FAILED ({:.1f}s): {}", where, e.seconds, e.message);
  case EventType::stage_finished:
    return fmt::format("stage {} finished", e.stage);
  case EventType::apply_finished:
    // A node's own line carries its outcome; the time is the whole apply's, on the last line.
    if (!e.host.empty())
      return "finished: " + e.message;
    return fmt::format("apply finished in {:.1f}s{}{}", e.seconds, e.message.empty() ? "" : ": ",
                       e.message);
  case EventType::message:
    return e.message;
  }
  return e.message;
}

class PlainProgress : public Progress {
public:
  explicit PlainProgress(std::ostream& out) : m_out(out) {}

  void emit(const Event& e) override {
    auto line = log::redact(text_of(e));
    if (!e.host.empty())
      line = "[" + e.host + "] " + line;
    std::lock_guard lock(m_mutex);
    m_out << line << '\n' << std::flush;
  }

private:
  std::ostream& m_out;
  std::mutex m_mutex;
};

} // namespace

std::unique_ptr<Progress> make_plain_progress(std::ostream& out) {
  return std::make_unique<PlainProgress>(out);
}

} // namespace acp::runner
