#pragma once
// The example config with the first occurrence of `from` replaced by `to`: how the config
// tests make one bad field at a time.

#include "acpctl/config/load.hpp"

#include <doctest/doctest.h>
#include <string>

namespace test {

inline std::string edited(const std::string& from, const std::string& to) {
  auto text = acp::config::example_config();
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  return text;
}

} // namespace test
