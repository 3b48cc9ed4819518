#pragma once
// Runs a local command line for tests that check generated files with real tools.

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace test_support {

struct Ran {
  int exit_code = -1;
  std::string output; ///< stdout and stderr together
};

inline Ran run_local(const std::string& line) {
  Ran ran;
  FILE* pipe = popen((line + " 2>&1").c_str(), "r");
  if (!pipe)
    return ran;
  std::array<char, 4096> buf{};
  while (const auto n = fread(buf.data(), 1, buf.size(), pipe))
    ran.output.append(buf.data(), n);
  const int status = pclose(pipe);
  ran.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return ran;
}

} // namespace test_support
