// libFuzzer target: the manifest parser must reject or accept any bytes without crashing, and
// whatever it accepts must survive emit → parse unchanged.

#include "acpctl/package/manifest.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool definition : {false, true}) {
    auto parsed = acp::package::parse_manifest(text, "fuzz.yaml", definition);
    if (!parsed || definition)
      continue;
    const auto emitted = acp::package::emit_manifest(*parsed);
    auto again = acp::package::parse_manifest(emitted, "emitted.yaml");
    if (!again || acp::package::emit_manifest(*again) != emitted)
      std::abort();
  }
  return 0;
}
