// libFuzzer target: the archive reader, verify and unpack on arbitrary bytes. Nothing may crash,
// and a refused unpack must leave no output directory behind.

#include "acpctl/package/open.hpp"
#include "acpctl/package/verify.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path dir =
      fs::temp_directory_path() / ("acpctl-fuzz-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto package = dir / "p.tgz";
  {
    std::ofstream out(package, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  (void)acp::package::open_package(package);
  acp::package::UnpackOptions options;
  options.max_total = std::uint64_t{8} << 20; // keep bombs cheap
  (void)acp::package::verify(package, options);
  const auto out = dir / "out";
  auto unpacked = acp::package::unpack(package, out, options);
  if (!unpacked && fs::exists(out))
    std::abort();
  fs::remove_all(out);
  return 0;
}
