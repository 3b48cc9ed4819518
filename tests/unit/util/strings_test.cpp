#include "acpctl/util/strings.hpp"

#include <doctest/doctest.h>

using namespace acp::util;

TEST_SUITE("util::strings") {
  TEST_CASE("split keeps empty fields") {
    CHECK(split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
    CHECK(split("", ',') == std::vector<std::string>{""});
  }

  TEST_CASE("edit distance counts insertions, deletions and substitutions") {
    CHECK(edit_distance("address", "adress") == 1);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("", "abc") == 3);
  }

  TEST_CASE("closest match suggests typos and not unrelated words") {
    const std::string_view keys[] = {"address", "name", "roles", "port"};
    CHECK(closest_match("adress", keys) == "address");
    CHECK(closest_match("rols", keys) == "roles");
    CHECK(closest_match("kubernetes", keys).empty());
  }

  TEST_CASE("human bytes uses binary units") {
    CHECK(human_bytes(512) == "512 B");
    CHECK(human_bytes(1536) == "1.5 KiB");
    CHECK(human_bytes(std::uint64_t{1} << 30) == "1.0 GiB");
  }

  TEST_CASE("human duration keeps at most two units, rounded down") {
    using std::chrono::seconds;
    CHECK(human_duration(seconds(45)) == "45s");
    CHECK(human_duration(seconds(12 * 60 + 59)) == "12m");
    CHECK(human_duration(seconds(3 * 3600)) == "3h");
    CHECK(human_duration(seconds(3 * 3600 + 25 * 60)) == "3h 25m");
    CHECK(human_duration(seconds(2 * 86400 + 4 * 3600 + 7)) == "2d 4h");
    CHECK(human_duration(seconds(-5)) == "0s");
  }

  TEST_CASE("quoted quotes a short value whole and escapes control characters") {
    CHECK(quoted("cp-1") == "\"cp-1\"");
    CHECK(quoted("a\nb\t\"c\"\x01") == "\"a\\nb\\t\\\"c\\\"\\x01\"");
    CHECK(quoted(std::string(200, 'a')) == "\"" + std::string(200, 'a') + "\"");
  }

  TEST_CASE("quoted keeps the first 200 bytes of a long value and says its size") {
    const auto out = quoted(std::string(3145728, 'a'));
    CHECK(out == "\"" + std::string(200, 'a') + "…\"(3145728 bytes)");
    CHECK(quoted("abcdef", 3) == "\"abc…\"(6 bytes)");
  }

  TEST_CASE("quoted does not cut a UTF-8 character in half") {
    // "é" is two bytes; a cut after 2 bytes would split the first one.
    CHECK(quoted("aéé", 2) == "\"a…\"(5 bytes)");
  }
}
