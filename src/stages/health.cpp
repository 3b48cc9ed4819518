// The health gate after the services stage: poll the supervisor until the service runs, then
// run the spec's check every check_interval_seconds until it passes, all within `seconds`.

#include "acpctl/stages/step.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <thread>

namespace acp::stages {

Status health_gate(StepContext& ctx, const service::ServiceSpec& spec, int seconds) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::seconds(seconds);
  // The supervisor is asked often (cheap); the check, which may be heavy, at its interval.
  const auto status_poll = std::chrono::milliseconds(500);
  const auto check_every = std::chrono::seconds(std::max(spec.check_interval_seconds, 1));
  auto& node = ctx.actions.node();
  std::string last = "no answer from the supervisor yet";
  bool running = false;
  while (true) {
    auto pause = std::chrono::duration_cast<clock::duration>(status_poll);
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
      const auto limit = std::chrono::seconds(std::max(spec.check_timeout_seconds, 1));
      auto check = query(node, spec.health_check, limit);
      if (check && check->ok())
        return {};
      if (check)
        last = fmt::format("health check exited with {}: {}", check->exit_code,
                           util::trim(check->err.empty() ? check->out : check->err));
      else if (check.error().code() == Errc::timeout)
        last = fmt::format("health check did not finish within {} s", limit.count());
      else
        return std::move(check).error();
      pause = check_every;
    }
    if (clock::now() >= deadline)
      return Error(Errc::remote, fmt::format("service {} is not healthy after {} s: {}",
                                             service::unit_name(spec.name), seconds, last))
          .with_host(node.host())
          .with_hint(fmt::format("look at the service's log on the node (/var/log/acp/{} on "
                                 "runit, journalctl -u {} on systemd), fix it, apply again",
                                 spec.name, service::unit_name(spec.name)));
    // Never sleep past the deadline, so the last attempt happens right at it.
    std::this_thread::sleep_for(std::min(pause, deadline - clock::now()));
  }
}

} // namespace acp::stages
