// NDJSON progress for CI: one self-contained JSON object per line, flushed at once so a
// consumer sees each event as it happens.

#include "acpctl/runner/progress.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"

#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>

namespace acp::runner {

namespace {

class JsonProgress : public Progress {
public:
  JsonProgress(std::ostream& out, WallClock now) : m_out(out), m_now(std::move(now)) {
    if (!m_now)
      m_now = util::now_rfc3339;
  }

  void emit(const Event& e) override {
    const nlohmann::json line = {
        {"schema", k_progress_schema},
        {"type", std::string(to_string(e.type))},
        {"time", m_now()},
        {"host", e.host},
        {"stage", e.stage},
        {"step", log::redact(e.step)},
        {"message", log::redact(e.message)},
        {"seconds", std::round(e.seconds * 1000) / 1000},
    };
    // Invalid UTF-8 from a remote command must not throw out of the runner.
    const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(m_mutex);
    m_out << text << '\n' << std::flush;
  }

private:
  std::ostream& m_out;
  WallClock m_now;
  std::mutex m_mutex;
};

} // namespace

std::unique_ptr<Progress> make_json_progress(std::ostream& out, WallClock now) {
  return std::make_unique<JsonProgress>(out, std::move(now));
}

} // namespace acp::runner
