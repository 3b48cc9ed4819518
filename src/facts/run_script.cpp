// The one way the facts script is run on a node, shared by plan/apply and status.

#include "acpctl/facts/gather.hpp"

#include <chrono>

namespace acp::facts {

Result<std::string> run_script_on(transport::Transport& node, std::string_view script) {
  transport::Command command;
  command.argv = {"sh", "-c", std::string(script)};
  command.sudo = true;
  command.timeout = std::chrono::seconds(60);
  auto r = node.run(command);
  if (!r)
    return std::move(r).error();
  if (!r->ok())
    return Error(Errc::remote,
                 "the facts script exited with " + std::to_string(r->exit_code) + ": " + r->err)
        .with_host(node.host());
  return std::move(r->out);
}

} // namespace acp::facts
