// Every file in tests/config/invalid/ states the exact problems it must produce, one
// "# expect: LINE:COL: MESSAGE" line each; the loader must produce exactly those.

#include "acpctl/config/load.hpp"
#include "acpctl/util/fs.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <fmt/format.h>
#include <sstream>

namespace fs = std::filesystem;

TEST_SUITE("config::invalid") {
  TEST_CASE("each invalid config gives exactly its expected problems") {
    const fs::path dir = fs::path(ACPCTL_SOURCE_DIR) / "tests/config/invalid";
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".yaml")
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 20);
    for (const auto& file : files) {
      CAPTURE(file.filename().string());
      const auto text = *acp::util::read_file(file);
      std::vector<std::string> expected;
      std::istringstream in(text);
      for (std::string line; std::getline(in, line);)
        if (line.starts_with("# expect: "))
          expected.push_back(line.substr(10));
      REQUIRE_FALSE(expected.empty());
      const auto result = acp::config::load_text(text, file.filename().string());
      std::vector<std::string> actual;
      for (const auto& p : result.problems)
        actual.push_back(fmt::format("{}:{}: {}", p.where.line, p.where.column, p.message));
      CHECK(actual == expected);
      CHECK_FALSE(result.ok());
    }
  }
}
