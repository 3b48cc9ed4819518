#pragma once
// `acpctl reset`: remove everything acpctl installed on nodes, as recorded in their
// state.json (services, component directories, state.json itself), and nothing else.

#include "acpctl/runner/apply.hpp"

namespace acp::runner {

/// A plan of removal steps (the registry's removal stage) for every component and platform
/// record in the state of `nodes` (every node with facts when empty).
plan::Plan reset_plan(const Session& session, const facts::Gathered& gathered,
                      const std::vector<std::string>& nodes);

/// After the removal steps: deletes state.json, the log directories /var/log/acp/<service> of
/// the services `gathered` recorded in each node's state (and /var/log/acp if that leaves it
/// empty), and the now-empty /opt/acp and /var/lib/acp directories on each of `nodes` (in
/// parallel). One error per host.
std::map<std::string, Error> finish_reset(Session& session, const std::vector<std::string>& nodes,
                                          const facts::Gathered& gathered,
                                          const ApplyOptions& options);

} // namespace acp::runner
