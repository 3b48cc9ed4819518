#include "acpctl/config/load.hpp"
#include "config/parse.hpp"
#include "edited.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace acp::config;

namespace {
using test::edited;
} // namespace

TEST_SUITE("config::nesting") {
  TEST_CASE("100000 open brackets are refused at the 65th, not handed to yaml-cpp") {
    const auto r = load_text(std::string(100000, '[') + "\n", "deep.yaml");
    REQUIRE(r.problems.size() == 1);
    const auto& p = r.problems[0];
    CHECK(p.message == "nesting deeper than 64 levels");
    CHECK(p.where.to_string() == "deep.yaml:1:65");
  }

  TEST_CASE("compact block sequences and indentation count as levels too") {
    std::string dashes;
    for (int i = 0; i < 100000; ++i)
      dashes += "- ";
    const auto r = load_text(dashes + "x\n", "dashes.yaml");
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].message == "nesting deeper than 64 levels");
    CHECK(r.problems[0].where.line == 1);

    std::string stairs;
    for (int i = 0; i < 100; ++i)
      stairs += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
    const auto deep = acp::config::detail::first_too_deep(stairs, 64);
    REQUIRE(deep.has_value());
    CHECK(deep->line == 65);
  }

  TEST_CASE("a real config, quoted brackets and block scalars are not deep") {
    CHECK_FALSE(acp::config::detail::first_too_deep(example_config(), 64).has_value());
    const std::string quoted = "a: '" + std::string(1000, '[') + "'\nb: \"" +
                               std::string(1000, '{') + "\"\nc: x[1] # [[[[\n";
    CHECK_FALSE(acp::config::detail::first_too_deep(quoted, 64).has_value());
    std::string script = "run: |\n";
    for (int i = 1; i < 100; ++i)
      script += std::string(static_cast<std::size_t>(i), ' ') + "step\n";
    CHECK_FALSE(acp::config::detail::first_too_deep(script, 64).has_value());
  }

  TEST_CASE("a quote inside a plain scalar does not hide the brackets after it") {
    const auto text = "a: it's\nb: " + std::string(100, '[') + "\n";
    const auto deep = acp::config::detail::first_too_deep(text, 64);
    REQUIRE(deep.has_value());
    CHECK(deep->line == 2);
    CHECK(deep->column == 67);
  }

  TEST_CASE("a 3 MB bad value is quoted in 200 bytes and its size") {
    const std::string big(3145728, 'x');
    const auto r = load_text(edited("kind: Cluster", "kind: " + big), "big.yaml");
    REQUIRE_FALSE(r.problems.empty());
    const auto& p = r.problems[0];
    CHECK(p.message ==
          "kind \"" + std::string(200, 'x') + "…\"(3145728 bytes) is not a cluster config");
  }

  TEST_CASE("a megabyte of digits as a version is refused without overflowing the stack") {
    const auto r = load_text(edited("v1.31.6", "v1." + std::string(1 << 20, '3') + ".6"), "v.yaml");
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].message.find("is not a version") != std::string::npos);
    CHECK(r.problems[0].message.size() < 300);
  }
}
