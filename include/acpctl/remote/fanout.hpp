#pragma once
// Fan-out over SSH: one command or one file to many nodes at once, one outcome per node. The
// operator commands (exec, upload) use it so the CLI layer only parses and prints.

#include "acpctl/config/model.hpp"
#include "acpctl/transport/transport.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::remote {

/// What happened on one node, and how long it took (connecting included).
template <class T> struct NodeOutcome {
  Result<T> result;
  std::chrono::milliseconds took{0};
};

/// Receives one output line of one node as it arrives; called from several threads.
using NodeLineSink =
    std::function<void(const config::Node& node, transport::Stream stream, std::string_view line)>;

/// Runs `command` on every node of `nodes` over SSH (cluster.ssh), at most `parallel` at once.
/// `input`, when set, is fed to the command's stdin on every node. A connection or transport
/// failure is that node's Error (with the host set); a non-zero exit code is a result.
std::vector<NodeOutcome<transport::CommandResult>>
exec_on_nodes(const config::Cluster& cluster, const std::vector<const config::Node*>& nodes,
              const transport::Command& command, const std::optional<std::string>& input,
              int parallel, const NodeLineSink& on_line);

/// Uploads `local` to `remote_path` on every node of `nodes` (atomic, skipped where the content
/// is already there), at most `parallel` at once.
std::vector<NodeOutcome<transport::UploadResult>>
upload_to_nodes(const config::Cluster& cluster, const std::vector<const config::Node*>& nodes,
                const std::string& local, const std::string& remote_path,
                const transport::FileSpec& spec, int parallel);

} // namespace acp::remote
