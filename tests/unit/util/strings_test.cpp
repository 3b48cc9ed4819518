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

  TEST_CASE("quoted escapes control characters and cuts long values") {
    CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(quoted("x\ny\x01") == "\"x\\ny\\x01\"");
    const auto long_value = quoted(std::string(500, 'a'));
    CHECK(long_value == "\"" + std::string(200, 'a') + "\"... (300 more bytes)");
    CHECK(quoted("abcdef", 3) == "\"abc\"... (3 more bytes)");
  }
}
