#pragma once
// A component's part of the facts script: a POSIX sh snippet that prints sections named
// "<component>-<part>" (with the script's `s` helper: `s etcd-status`), and a parser that
// turns those sections' bodies into the component's own facts type, kept in
// HostFacts::components under the component's name (std::any: facts knows no component).

#include <any>
#include <map>
#include <string>
#include <string_view>

namespace acp::facts {

/// The bodies of one component's sections, by part ("status" for "etcd-status").
using ProbeSections = std::map<std::string, std::string>;

struct Probe {
  std::string_view name;   ///< the component; its sections are "<name>-<part>"
  std::string_view script; ///< sh, read-only, no user values; empty: no probe
  /// Called only when the host printed at least one of the component's sections.
  std::any (*parse)(const ProbeSections& sections) = nullptr;
};

} // namespace acp::facts
