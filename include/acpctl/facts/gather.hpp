#pragma once
// Gathering facts costs one remote command per host: a fixed POSIX sh script (no user values
// in it, nothing written) that prints delimited sections, and a pure parser for its output.
// The transport runs k_facts_script with `sh -c`; the parser never runs anything.

#include "acpctl/facts/host_facts.hpp"
#include "acpctl/util/error.hpp"

#include <string>
#include <string_view>

namespace acp::facts {

/// The facts script. Read-only; uses /proc where it can so that missing tools (no `ss`, no
/// `ip`, no `nproc`) only leave a section empty.
extern const std::string_view k_facts_script;

/// Parses the script's output. Fails (naming `host`) only if the output is not from this
/// script or is cut short, or if the host's state.json is corrupt or from a newer acpctl;
/// sections a host could not fill are left at their defaults.
Result<HostFacts> parse_facts(std::string_view output, const std::string& host);

} // namespace acp::facts
