#pragma once

#include "reader.hpp"

namespace acp::config::detail {

/// Reads the whole document into `out`, reporting structure and type problems through `r`.
void parse_document(Reader& r, const YAML::Node& root, Cluster& out);

/// Fills what the file left out: node SSH user/port from spec.ssh, the pod and service CIDRs
/// for the IP family.
void apply_defaults(Cluster& cluster);

} // namespace acp::config::detail
