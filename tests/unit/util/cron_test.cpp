#include "acpctl/util/cron.hpp"

#include <doctest/doctest.h>

using namespace acp;
using namespace std::chrono;

namespace {

std::tm at(int year, int month, int day, int hour, int minute) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  const auto secs = timegm(&tm);
  gmtime_r(&secs, &tm); // fills tm_wday
  return tm;
}

system_clock::time_point utc(int year, int month, int day) {
  auto tm = at(year, month, day, 0, 0);
  return system_clock::from_time_t(timegm(&tm));
}

} // namespace

TEST_SUITE("util::cron") {
  TEST_CASE("expands numbers, ranges, steps, lists and names") {
    const auto c = util::parse_cron("*/15 2,14 1-5 jan-mar/2 mon-fri").take();
    CHECK(util::cron_values(c.minutes) == " 0 15 30 45 ");
    CHECK(util::cron_values(c.hours) == " 2 14 ");
    CHECK(util::cron_values(c.days) == " 1 2 3 4 5 ");
    CHECK(util::cron_values(c.months) == " 1 3 ");
    CHECK(util::cron_values(c.weekdays) == " 1 2 3 4 5 ");
    CHECK(util::cron_values(util::parse_cron("0 0 * * 7").take().weekdays) == " 0 ");
    CHECK(util::cron_values(util::parse_cron("@hourly").take().minutes) == " 0 ");
  }

  TEST_CASE("matches a minute the way cron does, with the day-of-month / day-of-week OR rule") {
    const auto daily = util::parse_cron("0 2 * * *").take();
    CHECK(daily.matches(at(2026, 12, 2, 2, 0)));
    CHECK_FALSE(daily.matches(at(2026, 12, 2, 2, 1)));
    // 2026-12-02 is a Wednesday; "the 1st or any Monday" matches the 1st (Tue) and 7th (Mon).
    const auto either = util::parse_cron("0 0 1 * mon").take();
    CHECK(either.matches(at(2026, 12, 1, 0, 0)));
    CHECK(either.matches(at(2026, 12, 7, 0, 0)));
    CHECK_FALSE(either.matches(at(2026, 12, 2, 0, 0)));
    const auto weekdays = util::parse_cron("30 6 * * 1-5").take();
    CHECK(weekdays.matches(at(2026, 12, 2, 6, 30)));
    CHECK_FALSE(weekdays.matches(at(2026, 12, 6, 6, 30))); // Sunday
  }

  TEST_CASE("refuses what crontab refuses, naming the field") {
    for (const char* bad :
         {"0 2 * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
          "5-1 * * * *", "*/0 * * * *", "a * * * *", "1,,2 * * * *", "@often"}) {
      CAPTURE(bad);
      const auto r = util::parse_cron(bad);
      REQUIRE_FALSE(r);
      CHECK(r.error().code() == Errc::invalid_input);
    }
    CHECK(util::parse_cron("* 24 * * *").error().message().find("hour") != std::string::npos);
  }

  TEST_CASE("period: the longest gap between consecutive firings") {
    const auto from = utc(2026, 12, 2);
    CHECK(util::cron_period(util::parse_cron("0 2 * * *").take(), from) == hours(24));
    CHECK(util::cron_period(util::parse_cron("*/15 * * * *").take(), from) == minutes(15));
    CHECK(util::cron_period(util::parse_cron("0 2,14 * * *").take(), from) == hours(12));
    CHECK(util::cron_period(util::parse_cron("0 0 * * 0").take(), from) == hours(24 * 7));
    // Monthly: the longest month among the next firings (31 days).
    CHECK(util::cron_period(util::parse_cron("0 0 1 * *").take(), from) == hours(24 * 31));
    CHECK(util::cron_period(util::parse_cron("0 0 31 2 *").take(), from) == minutes(0));
  }
}
