// The health gate after the services stage: poll the supervisor, then the spec's check.

#include "acpctl/stages/step.hpp"
#include "acpctl/util/strings.hpp"

#include <chrono>
#include <fmt/format.h>
#include <thread>

namespace acp::stages {

Status health_gate(StepContext& ctx, const service::ServiceSpec& spec, int seconds) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::seconds(seconds);
  auto& node = ctx.actions.node();
  std::string last = "no answer from the supervisor yet";
  bool running = false;
  while (true) {
    if (!running) {
      auto out = query(node, ctx.services->status(spec.name));
      if (!out)
        return std::move(out).error();
      auto status = ctx.services->parse_status(out->out + out->err);
      if (!status)
        return Error(std::move(status).error()).with_host(node.host());
      running = status->running;
      last = status->detail;
    }
    if (running && spec.health_check.empty())
      return {};
    if (running) {
      auto check = query(node, spec.health_check);
      if (!check)
        return std::move(check).error();
      if (check->ok())
        return {};
      last = fmt::format("health check exited with {}: {}", check->exit_code,
                         util::trim(check->err.empty() ? check->out : check->err));
    }
    if (clock::now() >= deadline)
      return Error(Errc::remote, fmt::format("service {} is not healthy after {} s: {}",
                                             service::unit_name(spec.name), seconds, last))
          .with_host(node.host())
          .with_hint(fmt::format("look at the service's log on the node (/var/log/acp/{} on "
                                 "runit, journalctl -u {} on systemd), fix it, apply again",
                                 spec.name, service::unit_name(spec.name)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

} // namespace acp::stages
