#pragma once
// Cron schedules (spec.etcdBackup.schedule): the five fields of crontab(5) expanded into the
// set of values each allows, so that the rest of acpctl only asks "does this minute match"
// and the on-node scheduler only tests membership in a list of numbers. Pure: no clock.

#include "acpctl/util/error.hpp"

#include <bitset>
#include <chrono>
#include <ctime>
#include <string>
#include <string_view>

namespace acp::util {

/// A parsed schedule. Day of week 0 is Sunday (7 is accepted for it as well).
struct Cron {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;   ///< 1..31
  std::bitset<13> months; ///< 1..12
  std::bitset<7> weekdays;
  /// crontab(5): when both day fields are restricted (neither starts with '*'), a day
  /// matches if either does; otherwise both must.
  bool days_restricted = false;
  bool weekdays_restricted = false;

  /// Whether the minute `t` (broken-down, as localtime/gmtime give) fires.
  bool matches(const std::tm& t) const;
};

/// Parses "m h dom mon dow" (numbers, '*', ranges a-b, steps */n and a-b/n, lists, names
/// jan..dec and sun..sat) or a macro (@hourly, @daily, @midnight, @weekly, @monthly,
/// @yearly, @annually). Fails with Errc::invalid_input naming the field that is wrong.
Result<Cron> parse_cron(std::string_view expression);

/// The longest time between two consecutive firings over the next 400 days from `from`
/// (UTC), looking at up to 16 firings: how long a healthy schedule may leave between runs.
/// Zero when it never fires (31 February).
std::chrono::minutes cron_period(const Cron& cron, std::chrono::system_clock::time_point from);

/// The values of one field as " 0 15 30 45 " (spaces around each, for a shell `case`).
template <std::size_t N> std::string cron_values(const std::bitset<N>& field) {
  std::string out = " ";
  for (std::size_t i = 0; i < N; ++i)
    if (field.test(i))
      out += std::to_string(i) + " ";
  return out;
}

} // namespace acp::util
