#pragma once
// The package's own components (files under /opt/acp/components, an optional service):
// the stages distribute, services and prune. Private to this folder.

#include "acpctl/stages/step.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace acp::packaged {

/// The params of a services step: the service it starts (the plan text says "start hello").
struct ServiceParams {
  std::string service;
  bool operator==(const ServiceParams&) const = default;
  std::string create_verb() const { return "start"; }
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ServiceParams, service)

/// The params of a distribute step that sends no bytes: "relabel" (the same content under a
/// new version: the version directory `from` is hard-linked to the new one, nothing
/// restarts) or "reactivate" (a rollback to the previous version `from`, still on the node:
/// its files are verified, then `current` switches back). Upload steps carry none.
struct DistributeParams {
  std::string mode;
  std::string from;
  bool operator==(const DistributeParams&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DistributeParams, mode, from)

/// The params of the release step: what the node records as its release, and how the plan
/// calls the change (install, upgrade, rollback).
struct ReleaseParams {
  std::string name;
  std::string version;
  std::string type;
  std::string base_version;
  std::string digest;
  std::string action;
  bool operator==(const ReleaseParams&) const = default;
  std::string create_verb() const { return "record"; }
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ReleaseParams, name, version, type, base_version, digest, action)

namespace detail {
/// Switches /opt/acp/components/<name>/current to `dir` atomically.
Status switch_current(stages::StepContext& ctx, const std::string& name, const std::string& dir);
/// `have` as the previous version of the one replacing it.
state::PreviousVersion previous_of(const state::InstalledComponent& have);
} // namespace detail

/// Relabels the current version (DistributeParams "relabel"); private to distribute.
Result<state::StateChange> apply_relabel(const plan::Step& step, stages::StepContext& ctx);
/// Returns to the kept previous version (DistributeParams "reactivate").
Result<state::StateChange> apply_reactivate(const plan::Step& step, stages::StepContext& ctx);

/// True when `have` and `want` are the same bytes and service under two version labels.
bool same_content(const state::InstalledComponent& have, const plan::DesiredComponent& want);

void plan_distribute(const plan::PlanInput& input, const plan::HostContext& host,
                     std::vector<plan::Step>& out);
void plan_services(const plan::PlanInput& input, const plan::HostContext& host,
                   std::vector<plan::Step>& out);
void plan_prune(const plan::PlanInput& input, const plan::HostContext& host,
                std::vector<plan::Step>& out);
void plan_release(const plan::PlanInput& input, const plan::HostContext& host,
                  std::vector<plan::Step>& out);

/// Puts the component's files in /opt/acp/components/<name>/<version>/ and switches the
/// `current` link. Returns the record to commit.
Result<state::StateChange> apply_distribute(const plan::Step& step, stages::StepContext& ctx);
/// The first half of an upload step, ahead of a rolling upgrade: the files go to the
/// version directory; nothing switches, nothing is committed.
Status prestage_distribute(const plan::Step& step, stages::StepContext& ctx);
/// Records the release, keeps each component's current and previous version directories
/// and deletes the older ones.
Result<state::StateChange> apply_release(const plan::Step& step, stages::StepContext& ctx);
/// Installs (or restarts) the component's service, then waits until the supervisor reports
/// it running and its health check passes (the health gate).
Result<state::StateChange> apply_services(const plan::Step& step, stages::StepContext& ctx);
/// Stops and removes the component's service and deletes /opt/acp/components/<name>; or,
/// for a step with stages::RecordParams, removes what that platform record lists.
Result<state::StateChange> apply_prune(const plan::Step& step, stages::StepContext& ctx);

} // namespace acp::packaged
