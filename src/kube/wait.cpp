// Readiness per kind, and the poll that waits for it.

#include "acpctl/kube/wait.hpp"

#include "session.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <thread>

namespace acp::kube {

namespace {

using Clock = std::chrono::steady_clock;

// The integer at `pointer`; `fallback` when absent or not an integer.
std::int64_t int_at(const nlohmann::json& live, const char* pointer, std::int64_t fallback = 0) {
  const nlohmann::json::json_pointer at(pointer);
  return live.contains(at) && live[at].is_number_integer() ? live[at].get<std::int64_t>()
                                                           : fallback;
}

std::string condition_status(const nlohmann::json& live, std::string_view type) {
  const nlohmann::json::json_pointer at("/status/conditions");
  if (!live.contains(at) || !live[at].is_array())
    return "absent";
  for (const auto& c : live[at])
    if (c.is_object() && c.value("type", "") == type)
      return c.value("status", "absent");
  return "absent";
}

Readiness waiting(std::string what) {
  return Readiness{false, std::move(what)};
}

// Whether the controller has seen the object's latest spec.
std::optional<Readiness> stale_generation(const nlohmann::json& live) {
  const auto seen = int_at(live, "/status/observedGeneration");
  const auto generation = int_at(live, "/metadata/generation");
  if (seen < generation)
    return waiting(fmt::format("status.observedGeneration {} (now {})", generation, seen));
  return std::nullopt;
}

Readiness workload_readiness(const std::string& kind, const nlohmann::json& live) {
  if (auto stale = stale_generation(live))
    return *stale;
  if (kind == "Deployment") {
    const auto want = int_at(live, "/spec/replicas", 1);
    const auto have = int_at(live, "/status/availableReplicas");
    if (have < want)
      return waiting(fmt::format("status.availableReplicas {} (now {})", want, have));
    return {true, {}};
  }
  const auto want = int_at(live, "/status/desiredNumberScheduled", -1);
  const auto have = int_at(live, "/status/numberReady");
  if (want < 0 || have != want)
    return waiting(fmt::format("status.numberReady == desiredNumberScheduled (now {} of {})", have,
                               std::max<std::int64_t>(want, 0)));
  return {true, {}};
}

} // namespace

Readiness readiness(const nlohmann::json& live) {
  const std::string kind = live.is_object() ? live.value("kind", "") : "";
  if (kind == "Namespace") {
    const nlohmann::json::json_pointer at("/status/phase");
    const std::string phase =
        live.contains(at) && live[at].is_string() ? live[at].get<std::string>() : "unset";
    if (phase != "Active")
      return waiting("status.phase Active (now " + phase + ")");
    return {true, {}};
  }
  if (kind == "CustomResourceDefinition") {
    for (const char* type : {"Established", "NamesAccepted"})
      if (const auto s = condition_status(live, type); s != "True")
        return waiting(fmt::format("condition {} True (now {})", type, s));
    return {true, {}};
  }
  if (kind == "Deployment" || kind == "DaemonSet")
    return workload_readiness(kind, live);
  return {true, {}};
}

Status wait_ready(const ApiTarget& target, const nlohmann::json& object, const KindTable& kinds,
                  std::chrono::seconds timeout) {
  auto ref = detail::target_ref(target, object, kinds);
  if (!ref)
    return std::move(ref).error();
  const auto deadline = Clock::now() + timeout;
  auto pause = std::chrono::milliseconds(200);
  std::string awaited = "it to exist";
  while (true) {
    auto live = get(target, ref->path);
    if (!live)
      return std::move(live).error().context("waiting for " + describe(*ref));
    if (*live) {
      const auto state = readiness(**live);
      if (state.ready)
        return {};
      awaited = state.waiting_for;
    }
    const auto now = Clock::now();
    if (now >= deadline)
      return Error(Errc::timeout,
                   fmt::format("{} is not ready on {} after {}s: waiting for {}", describe(*ref),
                               describe(target), timeout.count(), awaited))
          .with_host(host_of(target))
          .with_hint("see the object's status and events (kubectl describe), or allow more time");
    std::this_thread::sleep_for(
        std::min<Clock::duration>(pause, deadline - now + std::chrono::milliseconds(1)));
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
}

Status wait_ready(const ApiTarget& target, const nlohmann::json& object,
                  std::chrono::seconds timeout) {
  return wait_ready(target, object, KindTable(), timeout);
}

} // namespace acp::kube
