// acpctl exec -f cluster.yaml [--nodes a,b | --role etcd] -- CMD...: one command on many nodes
// at once, output prefixed per host, a per-host summary, exit 1 if any host failed.

#include "acpctl/config/load.hpp"
#include "acpctl/remote/fanout.hpp"
#include "acpctl/util/log.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "node_select.hpp"
#include "output.hpp"

#include <chrono>
#include <fmt/format.h>
#include <iostream>
#include <iterator>
#include <limits>
#include <mutex>
#include <sstream>

namespace acp::cli {

namespace {

struct Options {
  NodeSelection target;
  bool sudo = false;
  bool stdin = false;
  int timeout = 0;
  std::vector<std::string> argv;
};

std::string seconds(std::chrono::milliseconds d) {
  return fmt::format("{:.2f}s", d.count() / 1000.0);
}

void print_summary(const std::vector<const config::Node*>& nodes,
                   const std::vector<remote::NodeOutcome<transport::CommandResult>>& outcomes) {
  std::size_t width = 4;
  for (const auto* n : nodes)
    width = std::max(width, n->name.size());
  fmt::print(stderr, "\n{:<{}}  {:<15}  {:>4}  {:>8}  {}\n", "HOST", width, "ADDRESS", "EXIT",
             "TIME", "ERROR");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& r = outcomes[i].result;
    fmt::print(stderr, "{:<{}}  {:<15}  {:>4}  {:>8}  {}\n", nodes[i]->name, width,
               nodes[i]->address, r.ok() ? std::to_string(r->exit_code) : "-",
               seconds(outcomes[i].took), r.ok() ? "" : log::redact(r.error().message()));
  }
}

int run_exec(const App& app, const Options& o) {
  if (o.argv.empty())
    throw Failure(
        Error(Errc::usage, "no command given")
            .with_hint("put the command after --, e.g. acpctl exec -f cluster.yaml -- uptime"));
  const auto cluster = config::load_valid(o.target.file).take();
  const auto nodes = select_nodes(cluster, o.target).take();
  const bool json = app.globals().json();
  // Read once, fed to every host: each gets the same bytes.
  std::string input;
  if (o.stdin)
    input.assign(std::istreambuf_iterator<char>(std::cin), {});
  transport::Command command;
  command.argv = o.argv;
  command.sudo = o.sudo;
  command.timeout = std::chrono::seconds(o.timeout);
  std::mutex print_mutex;
  const auto outcomes = remote::exec_on_nodes(
      cluster, nodes, command, o.stdin ? std::optional<std::string>(input) : std::nullopt,
      o.target.parallel,
      [&](const config::Node& node, transport::Stream stream, std::string_view line) {
        if (json)
          return;
        std::lock_guard lock(print_mutex);
        fmt::print(stream == transport::Stream::out ? stdout : stderr, "[{}] {}\n", node.name,
                   line);
      });
  std::fflush(stdout);
  bool all_ok = true;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& r = outcomes[i].result;
    all_ok = all_ok && r.ok() && r->ok();
    if (json) {
      nlohmann::json doc = {{"schema", k_json_schema}, {"type", "exec"},
                            {"host", nodes[i]->name},  {"address", nodes[i]->address},
                            {"ok", r.ok() && r->ok()}, {"durationMs", outcomes[i].took.count()}};
      if (r.ok()) {
        doc["exitCode"] = r->exit_code;
        doc["stdout"] = r->out;
        doc["stderr"] = r->err;
      } else {
        doc["exitCode"] = nullptr;
        doc["error"] = error_json(r.error());
      }
      print_json(doc);
    } else if (!r.ok()) {
      log::error(r.error().describe());
    }
  }
  if (!json)
    print_summary(nodes, outcomes);
  return all_ok ? k_exit_ok : k_exit_failed;
}

} // namespace

void add_exec_command(App& app) {
  auto* cmd = app.root().add_subcommand(
      "exec", "Run a command on cluster nodes over SSH, in parallel (put it after --)");
  auto o = std::make_shared<Options>();
  add_node_selection(app, cmd, o->target);
  cmd->add_flag("--sudo", o->sudo, "Run as root (sudo when the login user is not root)");
  cmd->add_flag("--stdin", o->stdin,
                "Read standard input once and feed it to the command on every node");
  cmd->add_option("--timeout", o->timeout, "Give up on a node after this many seconds (0: never)")
      ->capture_default_str()
      ->check(whole_number(0, std::numeric_limits<int>::max()));
  // After --, every word belongs to the remote command, flags included.
  cmd->add_option("command", o->argv, "The command to run and its arguments, after --");
  cmd->fallthrough(false);
  cmd->footer("Example: acpctl exec -f cluster.yaml --role etcd -- systemctl is-active etcd");
  app.on(cmd, [&app, o] { return run_exec(app, *o); });
}

} // namespace acp::cli
