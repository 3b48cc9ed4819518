// The unit test binary. Tests are hermetic: files go in a scratch directory (util::TempDir)
// that a failing test can keep by setting ACPCTL_KEEP_SCRATCH=1.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

int main(int argc, char** argv) {
  doctest::Context context;
  context.applyCommandLine(argc, argv);
  return context.run();
}
