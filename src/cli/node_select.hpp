#pragma once
// Choosing nodes from the command line (--nodes a,b or --role etcd), shared by every
// command that acts on a subset of the cluster.

#include "acpctl/config/model.hpp"
#include "app.hpp"

#include <string>
#include <vector>

namespace acp::cli {

/// The nodes named in `names` (in file order), or those with `role`, or all nodes when both
/// are empty. Fails with Errc::usage naming an unknown node or role and listing the valid ones.
Result<std::vector<const config::Node*>> select_nodes(const config::Cluster& cluster,
                                                      const std::vector<std::string>& names,
                                                      const std::string& role);

/// What every command acting on a subset of the cluster takes: -f, --nodes or --role, and
/// --parallel.
struct NodeSelection {
  std::string file;  ///< the cluster config
  std::string nodes; ///< comma-separated names
  std::string role;
  int parallel = 16;
};

/// Registers -f/--file (required), --nodes, --role (excluding --nodes) and --parallel on `cmd`.
void add_node_selection(App& app, CLI::App* cmd, NodeSelection& selection);

/// select_nodes(cluster, node_names(selection.nodes), selection.role).
Result<std::vector<const config::Node*>> select_nodes(const config::Cluster& cluster,
                                                      const NodeSelection& selection);

/// Splits a --nodes value ("a,b") into names; empty parts are dropped.
std::vector<std::string> node_names(const std::string& csv);

} // namespace acp::cli
