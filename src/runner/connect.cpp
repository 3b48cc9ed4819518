#include "acpctl/runner/connect.hpp"

#include "acpctl/transport/ssh.hpp"

namespace acp::runner {

Connect ssh_connect(const config::SshSettings& ssh) {
  return [ssh](const config::Node& node) { return transport::make_ssh_transport(node, ssh); };
}

void set_node_timeout(std::chrono::seconds timeout) {
  transport::set_idle_timeout(timeout);
}

} // namespace acp::runner
