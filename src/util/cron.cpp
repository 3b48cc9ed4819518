// crontab(5) parsing. Each field is a comma list of items; an item is '*', a number, a name
// or a range, optionally followed by /step.

#include "acpctl/util/cron.hpp"

#include "acpctl/util/strings.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <vector>

namespace acp::util {

namespace {

struct FieldSpec {
  const char* name;
  int low;
  int high;
  std::array<const char*, 12> names; ///< names[i] stands for low + i (or, for weekdays, i)
};

constexpr std::array<FieldSpec, 5> k_fields{{
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month",
     1,
     12,
     {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
    {"day of week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}};

bool value_of(std::string_view text, const FieldSpec& spec, int& out) {
  std::string lower(text);
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < spec.names.size() && spec.names[i]; ++i)
    if (lower == spec.names[i]) {
      out = spec.low == 1 ? static_cast<int>(i) + 1 : static_cast<int>(i);
      return true;
    }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= spec.low &&
         out <= spec.high;
}

// One item ("*/15", "1-5", "mon-fri/2", "7") into `set` (values low..high).
bool add_item(std::string_view item, const FieldSpec& spec, std::vector<bool>& set) {
  int step = 1;
  if (const auto slash = item.find('/'); slash != std::string_view::npos) {
    const auto s = item.substr(slash + 1);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), step);
    if (ec != std::errc() || end != s.data() + s.size() || step < 1 || step > spec.high)
      return false;
    item = item.substr(0, slash);
  }
  int from = spec.low;
  int to = spec.high;
  if (item != "*") {
    const auto dash = item.find('-');
    if (!value_of(item.substr(0, dash), spec, from))
      return false;
    to = from;
    if (dash != std::string_view::npos && (!value_of(item.substr(dash + 1), spec, to) || to < from))
      return false;
  }
  for (int v = from; v <= to; v += step)
    set[static_cast<std::size_t>(v)] = true;
  return true;
}

Result<std::vector<bool>> parse_field(std::string_view text, const FieldSpec& spec) {
  std::vector<bool> set(static_cast<std::size_t>(spec.high) + 1, false);
  for (const auto& item : util::split(text, ','))
    if (item.empty() || !add_item(item, spec, set))
      return Error(Errc::invalid_input,
                   fmt::format("the {} field {} is not valid (allowed: {}-{}, '*', ranges a-b, "
                               "steps /n, lists a,b)",
                               spec.name, util::quoted(std::string(text)), spec.low, spec.high));
  return set;
}

std::string expand_macro(std::string_view expression) {
  static const std::array<std::pair<const char*, const char*>, 7> k_macros{{
      {"@hourly", "0 * * * *"},
      {"@daily", "0 0 * * *"},
      {"@midnight", "0 0 * * *"},
      {"@weekly", "0 0 * * 0"},
      {"@monthly", "0 0 1 * *"},
      {"@yearly", "0 0 1 1 *"},
      {"@annually", "0 0 1 1 *"},
  }};
  for (const auto& [macro, fields] : k_macros)
    if (expression == macro)
      return fields;
  return std::string(expression);
}

template <std::size_t N> void fill(std::bitset<N>& out, const std::vector<bool>& set) {
  for (std::size_t i = 0; i < set.size(); ++i)
    if (set[i])
      out.set(i % N); // day of week 7 is Sunday (0)
}

} // namespace

bool Cron::matches(const std::tm& t) const {
  if (!minutes.test(static_cast<std::size_t>(t.tm_min)) ||
      !hours.test(static_cast<std::size_t>(t.tm_hour)) ||
      !months.test(static_cast<std::size_t>(t.tm_mon + 1)))
    return false;
  const bool day = days.test(static_cast<std::size_t>(t.tm_mday));
  const bool weekday = weekdays.test(static_cast<std::size_t>(t.tm_wday));
  if (days_restricted && weekdays_restricted)
    return day || weekday;
  return day && weekday;
}

Result<Cron> parse_cron(std::string_view expression) {
  const auto text = expand_macro(util::trim(expression));
  std::vector<std::string> fields;
  for (auto& f : util::split(text, ' '))
    if (!f.empty())
      fields.push_back(f);
  if (fields.size() != 5)
    return Error(Errc::invalid_input,
                 fmt::format("{} has {} fields, not 5", util::quoted(std::string(expression)),
                             fields.size()));
  std::array<std::vector<bool>, 5> sets;
  for (std::size_t i = 0; i < 5; ++i) {
    auto set = parse_field(fields[i], k_fields[i]);
    if (!set)
      return std::move(set).error();
    sets[i] = std::move(*set);
  }
  Cron cron;
  fill(cron.minutes, sets[0]);
  fill(cron.hours, sets[1]);
  fill(cron.days, sets[2]);
  fill(cron.months, sets[3]);
  fill(cron.weekdays, sets[4]);
  cron.days_restricted = !fields[2].starts_with('*');
  cron.weekdays_restricted = !fields[4].starts_with('*');
  return cron;
}

std::chrono::minutes cron_period(const Cron& cron, std::chrono::system_clock::time_point from) {
  using std::chrono::minutes;
  auto t = std::chrono::floor<minutes>(from);
  const auto end = t + std::chrono::hours(24 * 400);
  std::vector<std::chrono::system_clock::time_point> fired;
  for (; t < end && fired.size() < 16; t += minutes(1)) {
    const auto secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    if (cron.matches(tm))
      fired.push_back(t);
    else if (!cron.hours.test(static_cast<std::size_t>(tm.tm_hour)) && tm.tm_min == 0)
      t += minutes(59); // skip an hour that cannot fire
  }
  minutes longest{0};
  for (std::size_t i = 1; i < fired.size(); ++i)
    longest = std::max(longest, std::chrono::duration_cast<minutes>(fired[i] - fired[i - 1]));
  return longest;
}

} // namespace acp::util
