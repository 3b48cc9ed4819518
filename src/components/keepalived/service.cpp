#include "acpctl/components/keepalived/service.hpp"

#include "acpctl/components/keepalived/render.hpp"

namespace acp::keepalived {

service::ServiceSpec service_spec() {
  service::ServiceSpec spec;
  spec.name = "keepalived";
  spec.command = {std::string(k_binary),
                  "--dont-fork",
                  "--log-console",
                  "--no-syslog",
                  "--vrrp",
                  "--use-file",
                  std::string(k_config_path),
                  "--pid",
                  std::string(k_pid_file),
                  "--vrrp_pid",
                  std::string(k_vrrp_pid_file)};
  spec.restart = service::RestartPolicy::always;
  return spec;
}

} // namespace acp::keepalived
