#include "acpctl/runner/progress.hpp"
#include "acpctl/util/log.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

using namespace acp;
using namespace acp::runner;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

/// Plays ANSI output the way a terminal would (cursor up, clear line, carriage return) and
/// returns the screen's lines, so tests check what a user sees, not the escape codes.
std::vector<std::string> screen_of(const std::string& text) {
  std::vector<std::string> screen(1);
  std::size_t row = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      std::size_t j = i + 2;
      int n = 0;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])))
        n = n * 10 + (text[j++] - '0');
      if (text[j] == 'A')
        row -= std::min<std::size_t>(row, static_cast<std::size_t>(n));
      else if (text[j] == 'K')
        screen[row].clear();
      i = j; // 'm' (colors) is simply dropped
    } else if (c == '\r') {
      continue; // every redrawn line is cleared first, so the column does not matter
    } else if (c == '\n') {
      if (++row == screen.size())
        screen.emplace_back();
    } else {
      screen[row] += c;
    }
  }
  if (screen.back().empty())
    screen.pop_back();
  return screen;
}

const std::vector<Event> k_script = {
    {EventType::apply_started, "", "", "", "applying 2 hosts", 0},
    {EventType::step_started, "n1", "distribute", "etcd 3.5.17", "", 0},
    {EventType::step_started, "n2", "distribute", "etcd 3.5.17", "", 0},
    {EventType::step_finished, "n1", "distribute", "etcd 3.5.17", "", 2.5},
    {EventType::step_started, "n1", "services", "restart etcd", "", 0},
    {EventType::step_failed, "n2", "distribute", "etcd 3.5.17", "disk full", 3},
    {EventType::apply_finished, "n2", "", "", "", 3},
    {EventType::step_finished, "n1", "services", "restart etcd", "", 1},
    {EventType::apply_finished, "n1", "", "", "", 4},
    {EventType::apply_finished, "", "", "", "1 of 2 hosts failed", 4},
};

} // namespace

TEST_SUITE("runner::Progress") {
  TEST_CASE("json progress prints one parseable event per line with every field") {
    std::ostringstream out;
    auto p = make_json_progress(out, [] { return std::string("2026-11-27T16:00:00Z"); });
    for (const auto& e : k_script)
      p->emit(e);
    const auto lines = lines_of(out.str());
    REQUIRE(lines.size() == k_script.size());
    const auto failed = nlohmann::json::parse(lines[5]);
    CHECK(failed["schema"] == 1);
    CHECK(failed["type"] == "step_failed");
    CHECK(failed["time"] == "2026-11-27T16:00:00Z");
    CHECK(failed["host"] == "n2");
    CHECK(failed["stage"] == "distribute");
    CHECK(failed["step"] == "etcd 3.5.17");
    CHECK(failed["message"] == "disk full");
    CHECK(failed["seconds"] == 3.0);
    for (const auto& line : lines)
      CHECK(nlohmann::json::parse(line).contains("type"));
  }

  TEST_CASE("json progress with the real clock writes RFC 3339 UTC times") {
    std::ostringstream out;
    make_json_progress(out)->emit({EventType::message, "", "", "", "hi", 0});
    const auto time = nlohmann::json::parse(out.str())["time"].get<std::string>();
    CHECK(time.size() == 20);
    CHECK(time[10] == 'T');
    CHECK(time.back() == 'Z');
  }

  TEST_CASE("plain progress prefixes each host's lines with the host") {
    std::ostringstream out;
    auto p = make_plain_progress(out);
    for (const auto& e : k_script)
      p->emit(e);
    const auto lines = lines_of(out.str());
    REQUIRE(lines.size() == k_script.size());
    CHECK(lines[0] == "applying 2 hosts");
    CHECK(lines[1] == "[n1] distribute: etcd 3.5.17 ...");
    CHECK(lines[3] == "[n1] distribute: etcd 3.5.17 done (2.5s)");
    CHECK(lines[5] == "[n2] distribute: etcd 3.5.17 FAILED (3.0s): disk full");
    CHECK(lines[9].find("1 of 2 hosts failed") != std::string::npos);
  }

  TEST_CASE("no view prints a registered secret") {
    log::add_secret("s3cr3t-token-value");
    const Event e{EventType::step_failed,       "n1", "pki", "upload key",
                  "refused s3cr3t-token-value", 1};
    std::ostringstream json, plain, term;
    make_json_progress(json)->emit(e);
    make_plain_progress(plain)->emit(e);
    make_terminal_progress(term, true, [] { return 0.0; })->emit(e);
    for (const auto* text : {&json, &plain, &term}) {
      CHECK(text->str().find("s3cr3t") == std::string::npos);
      CHECK(text->str().find("***") != std::string::npos);
    }
  }

  TEST_CASE("terminal progress keeps one live line per host and shows the final state") {
    std::ostringstream out;
    double now = 0;
    auto p = make_terminal_progress(out, false, [&] { return now; });
    for (const auto& e : k_script) {
      p->emit(e);
      now += 1;
    }
    const auto screen = screen_of(out.str());
    // Messages stay above the block; the block holds exactly one line per host.
    REQUIRE(screen.size() == 5);
    CHECK(screen[0] == "applying 2 hosts");
    CHECK(screen[1] == "[n2] distribute: etcd 3.5.17 failed: disk full");
    CHECK(screen[2] == "1 of 2 hosts failed");
    CHECK(screen[3] == "ok n1  done  7s");
    CHECK(screen[4] == "FAILED n2  distribute: etcd 3.5.17  4s");
  }

  TEST_CASE("terminal progress shows the current step while a host runs") {
    std::ostringstream out;
    double now = 0;
    auto p = make_terminal_progress(out, true, [&] { return now; });
    p->emit(k_script[1]);
    now = 12;
    p->emit(k_script[2]);
    const auto screen = screen_of(out.str());
    REQUIRE(screen.size() == 2);
    CHECK(screen[0] == "  n1  distribute: etcd 3.5.17  12s");
    CHECK(screen[1] == "  n2  distribute: etcd 3.5.17  0s");
  }

  TEST_CASE("terminal progress cuts a step text that would not fit the terminal") {
    std::ostringstream out;
    auto p = make_terminal_progress(
        out, false, [] { return 0.0; }, 40);
    p->emit({EventType::step_started, "n1", "distribute",
             "a very long step name that goes on and on and on", "", 0});
    const auto screen = screen_of(out.str());
    REQUIRE(screen.size() == 1);
    CHECK(screen[0].size() <= 40);
    CHECK(screen[0] == "  n1  distribute: a v...  0s");
  }
}
