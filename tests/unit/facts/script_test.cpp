// The facts script run for real on this machine with `sh -c`, as the transport will run it.

#include "acpctl/components/registry.hpp"
#include "acpctl/facts/gather.hpp"
#include "acpctl/util/shell.hpp"

#include <array>
#include <cstdio>
#include <doctest/doctest.h>
#include <memory>
#include <sys/utsname.h>
#include <unistd.h>

namespace {
std::string run_sh(std::string_view script) {
  const std::vector<std::string> argv{"sh", "-c", std::string(script)};
  const auto line = acp::util::shell_join(argv);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(line.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string out;
  std::array<char, 4096> buf{};
  while (const auto n = fread(buf.data(), 1, buf.size(), pipe.get()))
    out.append(buf.data(), n);
  return out;
}
} // namespace

TEST_SUITE("facts::script") {
  TEST_CASE("the script runs under sh -c here and parses") {
    const auto out = run_sh(acp::facts::script(acp::components::registry().probes()));
    const auto f = acp::facts::parse_facts(out, "localhost");
    REQUIRE(f.ok());
    std::array<char, 256> name{};
    REQUIRE(gethostname(name.data(), name.size() - 1) == 0);
    CHECK(f->hostname == std::string(name.data()));
    utsname uts{};
    REQUIRE(uname(&uts) == 0);
    CHECK(f->arch == acp::facts::normalise_arch(uts.machine));
    CHECK(f->kernel == std::string(uts.release));
    CHECK(f->cpus >= 1);
    CHECK(f->memory_bytes > 0);
    CHECK(f->has_address("127.0.0.1"));
    CHECK(f->free_bytes_at("/tmp").value_or(0) > 0);
    CHECK(std::abs(f->remote_epoch - static_cast<double>(time(nullptr))) < 60);
  }

  TEST_CASE("the script holds no user values and writes nothing") {
    const auto text = acp::facts::script(acp::components::registry().probes());
    const std::string_view s = text;
    // Every redirection goes to /dev/null or joins stderr to stdout.
    for (auto pos = s.find('>'); pos != std::string_view::npos; pos = s.find('>', pos + 1)) {
      const auto rest = s.substr(pos);
      CAPTURE(rest.substr(0, 20));
      CHECK((rest.starts_with(">/dev/null") || rest.starts_with(">&1")));
    }
    for (const char* verb : {"rm ", "mv ", "mkdir", "tee", "sed -i", "touch"})
      CHECK(s.find(verb) == std::string_view::npos);
  }
}
