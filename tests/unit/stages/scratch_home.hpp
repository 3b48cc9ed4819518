#pragma once
// Points ACPCTL_HOME at a scratch dir for a test's lifetime (the cluster directory: PKI and
// kept secrets land there).

#include "acpctl/util/fs.hpp"

#include <cstdlib>
#include <string>

namespace acp::test {

struct ScratchHome {
  util::TempDir dir;
  std::string old;
  bool had = false;
  ScratchHome() {
    if (const char* v = std::getenv("ACPCTL_HOME")) {
      old = v;
      had = true;
    }
    setenv("ACPCTL_HOME", dir.path().c_str(), 1);
  }
  ~ScratchHome() {
    if (had)
      setenv("ACPCTL_HOME", old.c_str(), 1);
    else
      unsetenv("ACPCTL_HOME");
  }
  ScratchHome(const ScratchHome&) = delete;
  ScratchHome& operator=(const ScratchHome&) = delete;
};

} // namespace acp::test
