#include "acpctl/remote/fanout.hpp"

#include "acpctl/transport/parallel.hpp"
#include "acpctl/transport/ssh.hpp"

#include <sstream>

namespace acp::remote {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// run_bounded keeps results only; the durations are measured per node beside them.
template <class T>
std::vector<NodeOutcome<T>> with_times(std::vector<Result<T>> results,
                                       const std::vector<std::chrono::milliseconds>& took) {
  std::vector<NodeOutcome<T>> out;
  out.reserve(results.size());
  for (std::size_t i = 0; i < results.size(); ++i)
    out.push_back(NodeOutcome<T>{std::move(results[i]), took[i]});
  return out;
}

} // namespace

std::vector<NodeOutcome<transport::CommandResult>>
exec_on_nodes(const config::Cluster& cluster, const std::vector<const config::Node*>& nodes,
              const transport::Command& command, const std::optional<std::string>& input,
              int parallel, const NodeLineSink& on_line) {
  std::vector<std::chrono::milliseconds> took(nodes.size());
  auto results = transport::run_bounded<transport::CommandResult>(
      nodes.size(), parallel, [&](std::size_t i) -> Result<transport::CommandResult> {
        const auto& node = *nodes[i];
        const auto start = Clock::now();
        auto t = transport::make_ssh_transport(node, cluster.ssh);
        transport::Command mine = command;
        std::istringstream in(input.value_or(std::string{}));
        if (input)
          mine.stdin_stream = &in;
        if (on_line)
          mine.on_line = [&](transport::Stream stream, std::string_view line) {
            on_line(node, stream, line);
          };
        auto result = t->run(mine);
        took[i] = since(start);
        if (!result.ok())
          return Error(std::move(result).error()).with_host(node.name);
        return std::move(result).value();
      });
  return with_times(std::move(results), took);
}

std::vector<NodeOutcome<transport::UploadResult>>
upload_to_nodes(const config::Cluster& cluster, const std::vector<const config::Node*>& nodes,
                const std::string& local, const std::string& remote_path,
                const transport::FileSpec& spec, int parallel) {
  std::vector<std::chrono::milliseconds> took(nodes.size());
  auto results = transport::run_bounded<transport::UploadResult>(
      nodes.size(), parallel, [&](std::size_t i) -> Result<transport::UploadResult> {
        const auto start = Clock::now();
        auto t = transport::make_ssh_transport(*nodes[i], cluster.ssh);
        auto r = t->upload_file(local, remote_path, spec);
        took[i] = since(start);
        if (!r.ok())
          return Error(std::move(r).error()).with_host(nodes[i]->name);
        return std::move(r).value();
      });
  return with_times(std::move(results), took);
}

} // namespace acp::remote
