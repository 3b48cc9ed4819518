// What apply_plan and the rolling upgrade share (apply_common.hpp).

#include "apply_common.hpp"

#include "acpctl/package/verify.hpp"
#include "acpctl/service/manager.hpp"
#include "acpctl/stages/registry.hpp"
#include "acpctl/transport/parallel.hpp"

#include <fmt/format.h>
#include <set>

namespace acp::runner::detail {

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::map<std::string, HostRun> host_runs(const plan::Plan& plan, const facts::Gathered& gathered) {
  std::map<std::string, HostRun> runs;
  for (const auto& s : plan.steps) {
    auto [it, added] = runs.try_emplace(s.host);
    auto& r = it->second;
    if (added) {
      r.outcome.host = s.host;
      if (const auto f = gathered.facts.find(s.host); f != gathered.facts.end()) {
        r.state = f->second.state;
        if (auto mgr = service::for_host(f->second.service_manager, s.host))
          r.services = std::move(*mgr);
      }
    }
    ++r.outcome.steps_planned;
  }
  return runs;
}

Status unpack_needed(Session& session, const plan::Plan& plan, const std::filesystem::path& dir) {
  std::set<std::string> names;
  bool images = false;
  for (const auto& s : plan.steps)
    if (const auto* phase = session.registry().phase(s.stage)) {
      if (phase->unpacks && !s.params)
        names.insert(s.component);
      images = images || phase->unpacks_images;
    }
  if (names.empty() && !images)
    return {};
  if (!session.package())
    return Error(Errc::usage, "the plan distributes components but no package was given")
        .with_hint("pass --package with the package the plan was made from");
  if (!session.trust())
    return Error(Errc::verify, "the package was not trust-checked");
  package::UnpackOptions uo;
  uo.public_key = session.trust()->key;
  uo.components = {names.begin(), names.end()};
  uo.images = images;
  auto report = package::unpack(*session.options().package, dir, uo);
  if (!report)
    return Error(std::move(report).error()).context("verifying the package");
  if ("sha256:" + report->manifest_sha256 != session.package_digest())
    return Error(Errc::verify, session.options().package->string() +
                                   " changed since it was planned; nothing was changed")
        .with_hint("make a new plan");
  return {};
}

Status Locks::acquire() {
  taken = transport::run_bounded<bool>(
      hosts.size(), options.parallel, [&](std::size_t i) -> Result<bool> {
        if (options.dry_run)
          return false;
        if (auto ok = acquire_lock(session.node(hosts[i]), me, options.force_unlock); !ok)
          return Error(std::move(ok).error()).with_host(hosts[i]);
        return true;
      });
  for (const auto& t : taken)
    if (!t.ok()) {
      release({});
      return t.error();
    }
  return {};
}

// A node that went silent or dropped its connection keeps its lock (nothing can reach it;
// a later apply from here takes over a lock whose holder has exited): waiting on it again
// would only delay the error.
void Locks::release(const std::map<std::string, HostRun>& runs) {
  const auto unreachable = [&](const std::string& host) {
    const auto it = runs.find(host);
    const auto& error = it == runs.end() ? std::nullopt : it->second.outcome.error;
    return error && (error->code() == Errc::timeout || error->code() == Errc::connect);
  };
  (void)transport::run_bounded<bool>(hosts.size(), options.parallel,
                                     [&](std::size_t i) -> Result<bool> {
                                       if (!taken[i].ok() || !*taken[i] || unreachable(hosts[i]))
                                         return false;
                                       (void)release_lock(session.node(hosts[i]), me);
                                       return true;
                                     });
}

ApplyReport finish(const plan::Plan& plan, const std::map<std::string, HostRun>& runs,
                   Progress& progress, std::chrono::steady_clock::time_point started) {
  ApplyReport report;
  std::vector<std::string> order = plan.hosts();
  if (runs.contains(""))
    order.insert(order.begin(), "");
  for (const auto& h : order) {
    const auto& outcome = runs.at(h).outcome;
    progress.emit({EventType::apply_finished, h.empty() ? "workstation" : h, "", "",
                   outcome.error ? outcome.error->message() : "ok", 0});
    report.hosts.push_back(outcome);
  }
  progress.emit(
      {EventType::apply_finished, "", "", "", report.ok() ? "ok" : "failed", since(started)});
  return report;
}

} // namespace acp::runner::detail
