#pragma once

#include "reader.hpp"

#include <optional>
#include <string_view>

namespace acp::config::detail {

/// Reads the whole document into `out`, reporting structure and type problems through `r`.
void parse_document(Reader& r, const YAML::Node& root, Cluster& out);

/// Reads spec.nodes (at `path`) into `out`: each node's address, login, sudo, roles and
/// labels (parse_nodes.cpp).
void parse_nodes(Reader& r, const YAML::Node& spec, const std::string& path,
                 std::vector<Node>& out);

/// Fills what the file left out: node SSH user/port from spec.ssh, the pod and service CIDRs
/// for the IP family.
void apply_defaults(Cluster& cluster);

/// Where `text` first nests deeper than `max_depth` levels (flow brackets and block levels
/// together), as a Location without the file; nullopt when it never does. A cheap scan that
/// may overcount by a level but never undercounts, run before yaml-cpp recurses into the text.
std::optional<Location> first_too_deep(std::string_view text, int max_depth);

} // namespace acp::config::detail
