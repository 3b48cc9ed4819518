#pragma once
// The etcd component's lines in `acpctl status`.

#include "acpctl/stages/component.hpp"

namespace acp::etcd {

/// "etcd member 9a3f… (leader), healthy" or why not; JSON under "etcd". Nullopt on a node
/// without an etcd member.
std::optional<stages::StatusLine> node_status(const facts::HostFacts& facts);
/// "etcd: 3/3 members healthy, quorum ok (…)" or "… QUORUM LOST …" (exit code 3); JSON
/// {"members","up","quorum","summary"} under "etcd". Nullopt when no cluster exists.
std::optional<stages::StatusLine>
cluster_status(const config::Cluster& cluster,
               const std::map<std::string, facts::HostFacts>& facts);

/// The rolling upgrade's gate: ok only when every member answers and is healthy (not just
/// a quorum), so the next member may restart. Nullopt when no cluster exists.
std::optional<stages::StatusLine> gate(const config::Cluster& cluster,
                                       const std::map<std::string, facts::HostFacts>& facts);

} // namespace acp::etcd
