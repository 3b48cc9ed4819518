// Live progress on a terminal: one line per host, redrawn in place. Messages and failures
// are printed above the block so they stay in the scrollback when the block moves on.

#include "acpctl/runner/progress.hpp"
#include "acpctl/util/log.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fmt/format.h>
#include <mutex>
#include <thread>
#include <vector>

namespace acp::runner {

namespace {

struct HostLine {
  std::string host;
  std::string doing; ///< "stage: step"
  double started = 0;
  double ended = -1; ///< < 0 while running
  bool failed = false;
};

constexpr const char* k_clear_line = "\r\x1b[2K";

class TerminalProgress : public Progress {
public:
  TerminalProgress(std::ostream& out, bool color, Clock clock, std::size_t columns)
      : m_out(out), m_color(color), m_clock(std::move(clock)), m_columns(columns) {
    if (m_clock)
      return;
    m_clock = [start = std::chrono::steady_clock::now()] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    // With the real clock, elapsed times keep moving between events.
    m_ticker = std::thread([this] { tick(); });
  }

  ~TerminalProgress() override {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    if (m_ticker.joinable())
      m_ticker.join();
  }

  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void emit(const Event& e) override {
    std::lock_guard lock(m_mutex);
    const double now = m_clock();
    if (e.type == EventType::apply_finished && e.host.empty())
      for (auto& h : m_hosts)
        if (h.ended < 0)
          h.ended = now;
    if (!e.host.empty())
      update(line_of(e.host, now), e, now);
    std::string above;
    const bool apply_news =
        (e.type == EventType::apply_started || e.type == EventType::apply_finished) &&
        e.host.empty() && !e.message.empty();
    if (e.type == EventType::message || e.type == EventType::step_failed || apply_news)
      above = log::redact(e.host.empty() ? e.message : "[" + e.host + "] " + failure_text(e));
    redraw(above, now);
  }

private:
  void tick() {
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, std::chrono::seconds(1), [this] { return m_stop; }))
      if (std::any_of(m_hosts.begin(), m_hosts.end(), [](const auto& h) { return h.ended < 0; }))
        redraw({}, m_clock());
  }

  HostLine& line_of(const std::string& host, double now) {
    for (auto& h : m_hosts)
      if (h.host == host)
        return h;
    m_width = std::max(m_width, host.size());
    return m_hosts.emplace_back(HostLine{host, "waiting", now, -1, false});
  }

  static std::string failure_text(const Event& e) {
    if (e.type != EventType::step_failed)
      return e.message;
    return fmt::format("{}: {} failed: {}", e.stage, e.step, e.message);
  }

  static void update(HostLine& h, const Event& e, double now) {
    switch (e.type) {
    case EventType::stage_started:
      h.doing = e.stage;
      break;
    case EventType::step_started:
    case EventType::step_finished:
      h.doing = e.step.empty() ? e.stage : e.stage + ": " + e.step;
      break;
    case EventType::step_failed:
      h.failed = true;
      h.doing = e.step.empty() ? e.stage : e.stage + ": " + e.step;
      break;
    case EventType::apply_finished:
      h.ended = now;
      break;
    default:
      break;
    }
  }

  std::string paint(const char* code, const std::string& text) const {
    return m_color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
  }

  // A line wider than the terminal would wrap and break the redraw: cut the step text.
  std::string fit(std::string text) const {
    if (m_columns == 0)
      return text;
    const std::size_t room = m_columns > m_width + 28 ? m_columns - m_width - 20 : 8;
    if (text.size() > room)
      text = text.substr(0, room - 3) + "...";
    return text;
  }

  std::string render(const HostLine& h, double now) const {
    const double elapsed = (h.ended < 0 ? now : h.ended) - h.started;
    const auto name = fmt::format("{:<{}}", h.host, m_width);
    if (h.ended < 0)
      return fmt::format("  {}  {}{}  {:.0f}s", name, h.failed ? paint("31", "failing ") : "",
                         fit(log::redact(h.doing)), elapsed);
    if (h.failed)
      return fmt::format("{} {}  {}  {:.0f}s", m_color ? paint("31", "✗") : "FAILED", name,
                         fit(log::redact(h.doing)), elapsed);
    return fmt::format("{} {}  done  {:.0f}s", m_color ? paint("32", "✓") : "ok", name, elapsed);
  }

  void redraw(const std::string& above, double now) {
    std::string out;
    if (m_drawn > 0)
      out += fmt::format("\x1b[{}A", m_drawn);
    if (!above.empty())
      out += k_clear_line + above + "\n";
    for (const auto& h : m_hosts)
      out += k_clear_line + render(h, now) + "\n";
    m_drawn = m_hosts.size();
    m_out << out << std::flush;
  }

  std::ostream& m_out;
  bool m_color;
  Clock m_clock;
  std::size_t m_columns;
  std::mutex m_mutex;
  std::vector<HostLine> m_hosts;
  std::size_t m_width = 0;
  std::size_t m_drawn = 0;
  bool m_stop = false;
  std::condition_variable m_wake;
  std::thread m_ticker; // last: started after every other member exists
};

} // namespace

std::unique_ptr<Progress> make_terminal_progress(std::ostream& out, bool color, Clock clock,
                                                 std::size_t columns) {
  return std::make_unique<TerminalProgress>(out, color, std::move(clock), columns);
}

} // namespace acp::runner
