// A cheap scan for how deeply a YAML text nests, run before yaml-cpp sees it: yaml-cpp recurses
// once per level (and stops at 2000 with an unhelpful "bad file"), so "[[[[..." or "- - - ..."
// is refused here with the line and column where it gets too deep.
//
// It counts flow brackets outside quoted scalars and comments, plus block levels: one per
// indentation step and one per compact "- " or "? " on a line. It may count a level or two
// more than YAML would (a plain scalar continued on a deeper line); it never counts fewer, so
// input that passes cannot make yaml-cpp recurse deeper than the limit allows.

#include "parse.hpp"

#include <string_view>
#include <vector>

namespace acp::config::detail {

namespace {

class NestingScan {
public:
  explicit NestingScan(int max_depth) : m_max(max_depth) {}

  std::optional<Location> run(std::string_view text) {
    int line = 1;
    while (!text.empty() && !m_found) {
      const auto nl = text.find('\n');
      scan_line(text.substr(0, nl), line);
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
      ++line;
    }
    return m_found;
  }

private:
  static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

  // A block level or flow bracket was entered at (line, column); is that too deep?
  void enter(int line, std::size_t column) {
    if (!m_found && static_cast<int>(m_indents.size()) + m_flow - m_shared > m_max)
      m_found = Location{"", line, static_cast<int>(column) + 1};
  }

  // Indentation and compact "- "/"? " indicators at the start of a block-context line.
  // Returns where the line's content starts, or npos for a blank or comment line.
  std::size_t block_start(std::string_view s, int line) {
    std::size_t p = s.find_first_not_of(' ');
    if (p == std::string_view::npos || s[p] == '#' || is_blank(s[p]))
      return std::string_view::npos;
    if (p == 0 && (s.starts_with("---") || s.starts_with("...")))
      m_indents.clear();
    const int indent = static_cast<int>(p);
    while (!m_indents.empty() && m_indents.back() > indent)
      m_indents.pop_back();
    if (m_indents.empty() || m_indents.back() < indent) {
      m_indents.push_back(indent);
      m_pushed = p;
      enter(line, p);
    }
    while ((s[p] == '-' || s[p] == '?') && (p + 1 == s.size() || is_blank(s[p + 1]))) {
      p = s.find_first_not_of(" \t\r", p + 1);
      if (p == std::string_view::npos || s[p] == '#')
        return std::string_view::npos;
      m_indents.push_back(static_cast<int>(p));
      m_pushed = p;
      enter(line, p);
    }
    return p;
  }

  // Whether a quote at `p` opens a quoted scalar, or a bracket a flow collection, rather than
  // sitting inside a plain scalar ("it's", "a[1]"), judged from what precedes it on the line.
  // In flow context every bracket is an indicator, but a quote inside "[a'b]" is not.
  bool starts_token(std::string_view s, std::size_t p, std::size_t content, bool bracket) const {
    if ((bracket && m_flow > 0) || p == content)
      return true;
    if (s[p - 1] == '[' || s[p - 1] == '{' || s[p - 1] == ',')
      return true;
    if (!is_blank(s[p - 1]))
      return false;
    const auto prev = s.find_last_not_of(" \t", p - 1);
    return prev == std::string_view::npos || prev < content ||
           std::string_view("[{,:-?").find(s[prev]) != std::string_view::npos;
  }

  void scan_line(std::string_view s, int line) {
    m_pushed = std::string_view::npos;
    if (m_block_parent >= 0) {
      const auto p = s.find_first_not_of(" \r");
      if (p == std::string_view::npos || static_cast<int>(p) > m_block_parent)
        return; // a line of a literal or folded block scalar
      m_block_parent = -1;
    }
    std::size_t p = 0;
    int indent = -1;
    if (m_flow == 0 && m_quote == 0) {
      p = block_start(s, line);
      if (p == std::string_view::npos)
        return;
      indent = static_cast<int>(s.find_first_not_of(' '));
    }
    const std::size_t content = p;
    std::size_t last = std::string_view::npos; // the last character outside quotes and comments
    for (; p < s.size() && !m_found; ++p) {
      const char c = s[p];
      if (m_quote == '"') {
        if (c == '\\')
          ++p;
        else if (c == '"')
          m_quote = 0;
        continue;
      }
      if (m_quote == '\'') {
        if (c == '\'' && p + 1 < s.size() && s[p + 1] == '\'')
          ++p;
        else if (c == '\'')
          m_quote = 0;
        continue;
      }
      if (c == '#' && (p == 0 || is_blank(s[p - 1])))
        break;
      if ((c == '"' || c == '\'') && starts_token(s, p, content, false)) {
        m_quote = c;
      } else if ((c == '[' || c == '{') && starts_token(s, p, content, true)) {
        // "[" opening a line's node is that node, already counted as a block level.
        if (m_flow == 0 && p == m_pushed)
          m_shared = 1;
        ++m_flow;
        enter(line, p);
      } else if ((c == ']' || c == '}') && m_flow > 0) {
        if (--m_flow == 0)
          m_shared = 0;
      }
      if (!is_blank(c))
        last = p;
    }
    if (indent >= 0 && m_flow == 0 && m_quote == 0 && last != std::string_view::npos)
      note_block_scalar(s.substr(0, last + 1), indent);
  }

  // "key: |", "- >-", "key: |2": the lines after it that are indented deeper are text.
  void note_block_scalar(std::string_view s, int indent) {
    const auto start = s.find_last_of(" \t");
    const auto word = s.substr(start == std::string_view::npos ? 0 : start + 1);
    if (word.empty() || (word[0] != '|' && word[0] != '>') ||
        word.find_first_not_of("+-0123456789", 1) != std::string_view::npos)
      return;
    m_block_parent = indent;
  }

  int m_max;
  std::vector<int> m_indents; // the columns of the open block levels
  int m_flow = 0;             // open flow brackets
  int m_shared = 0;           // 1 when the outermost bracket is also the last block level
  std::size_t m_pushed = 0;   // where the line's last block level was pushed, or npos
  char m_quote = 0;           // '"' or '\'' inside a quoted scalar, which may span lines
  int m_block_parent = -1;    // inside a block scalar: the indentation of its parent line
  std::optional<Location> m_found;
};

} // namespace

std::optional<Location> first_too_deep(std::string_view text, int max_depth) {
  return NestingScan(max_depth).run(text);
}

} // namespace acp::config::detail
