#pragma once
// Gathering facts costs one remote command per host: a fixed POSIX sh script (no user values
// in it, nothing written) that prints delimited sections, and a pure parser for its output.
// The transport runs script(probes) with `sh -c`; the parser never runs anything.

#include "acpctl/facts/host_facts.hpp"
#include "acpctl/facts/probe.hpp"
#include "acpctl/util/error.hpp"

#include <span>
#include <string>
#include <string_view>

namespace acp::facts {

/// The facts script with the components' probes. Read-only; uses /proc where it can so that
/// missing tools (no `ss`, no `ip`, no `nproc`) only leave a section empty.
std::string script(std::span<const Probe> probes = {});

/// Parses the script's output; each probe's sections go to its parser. Fails (naming
/// `host`) only if the output is not from this script or is cut short, or if the host's
/// state.json is corrupt or from a newer acpctl; sections a host could not fill are left at
/// their defaults.
Result<HostFacts> parse_facts(std::string_view output, const std::string& host,
                              std::span<const Probe> probes = {});

} // namespace acp::facts

#include "acpctl/transport/transport.hpp"

#include <functional>
#include <map>
#include <span>

namespace acp::facts {

/// Runs `script` with `sh -c` on `host` and returns its standard output. The transport layer
/// provides this; tests pass a fake. It is called from several threads at once.
using RunScript =
    std::function<Result<std::string>(const std::string& host, std::string_view script)>;

/// Runs the facts script on `node` as root (sudo when the login user is not: state.json and
/// runit's supervise/ directories are readable by root only) with a 60 s limit. Fails with
/// the transport's error, or Errc::remote with the script's stderr if it exited non-zero.
Result<std::string> run_script_on(transport::Transport& node, std::string_view script);

/// Facts of every host that answered, and one error per host that did not.
struct Gathered {
  std::map<std::string, HostFacts> facts;
  std::map<std::string, Error> errors;
  bool ok() const { return errors.empty(); }
};

/// Gathers facts from `hosts` in parallel (at most `parallelism` at once): one run of the
/// facts script with `probes` per host, timed against the local clock to fill
/// clock_offset_seconds.
Gathered gather_all(std::span<const std::string> hosts, const RunScript& run, int parallelism = 16,
                    std::span<const Probe> probes = {});

} // namespace acp::facts
