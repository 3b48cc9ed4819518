#include "cli/app.hpp"

int main(int argc, char** argv) {
  return acp::cli::run_main(argc, argv);
}
