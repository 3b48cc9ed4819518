#pragma once
// What the platform stages (pki, etcd, keepalived) share on the apply side: writing rendered
// files, (re)starting their service through the host's ServiceManager behind a health gate,
// and the state record that makes a re-apply a no-op.

#include "acpctl/stages/step.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace acp::stages {

/// Creates the files' parent directories (0755) and uploads each file with its mode as
/// root, atomically; identical content is not sent again. Only paths are ever logged.
Status write_files(Actions& actions, const std::vector<service::FileToWrite>& files);

/// Puts `spec` in place through the host's ServiceManager and makes it run the new inputs:
/// a new service is installed and started, an existing one (re)written and restarted. Then
/// waits for the health gate (`gate_seconds`). Skips the gate in a dry run. `exists`: whether
/// the service is installed now; unset: as the facts saw it.
Status run_platform_service(StepContext& ctx, const service::ServiceSpec& spec, int gate_seconds,
                            std::optional<bool> exists = std::nullopt);

/// The record of a platform stage after its step: `files` as written (sha256 of each),
/// `digest` the plan's digest of its inputs, stamped now.
state::PlatformRecord platform_record(std::string name, std::string digest,
                                      const std::vector<service::FileToWrite>& files,
                                      std::vector<std::string> dirs, std::string service,
                                      std::vector<int> ports);

/// The files `render` makes for the step's node. Fails if the context has no node or
/// platform source.
Result<std::vector<service::FileToWrite>> render_for(FileRenderer render, StepContext& ctx);

/// The params of a step that removes a platform record (prune stage): the record's name.
struct RecordParams {
  std::string record;
  bool operator==(const RecordParams&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RecordParams, record)

/// The prune-stage step that stops and deletes what the record `record` says (a platform
/// service no longer wanted on the node), with `reason`.
plan::Step prune_record_step(const std::string& record, std::string reason);

/// The plan of a platform service that runs the packaged binary component `binary` (record and
/// service `name`; `binary` empty: the component of that same name): where the node gets none
/// of its files or the package has no such binary, a prune step if the node holds the record,
/// with the reason `why_gone(has_binary)`; else plan_platform_service over the files and the
/// binary's digest (`what` names the inputs).
void plan_binary_service(const plan::PlanInput& input, const plan::HostContext& host,
                         const std::string& name, const std::string& what,
                         const std::function<std::string(bool has_binary)>& why_gone,
                         std::vector<plan::Step>& out, std::string_view binary = {});

/// The apply side of plan_binary_service: the files `render` makes for the step's node, when
/// their service digest with the desired binary (`binary`, empty: the step's component) is the
/// one planned (else Errc::conflict naming `what`). Fails when the package has no such binary.
Result<std::vector<service::FileToWrite>> render_planned(FileRenderer render,
                                                         const plan::Step& step, StepContext& ctx,
                                                         const std::string& what,
                                                         std::string_view binary = {});

/// Ok when `have` equals the plan's `want`; else Errc::conflict naming `what` and saying to
/// plan again (the config, the PKI or the package changed since the plan was made).
Status check_digest(const std::string& what, const std::string& have, const std::string& want);

} // namespace acp::stages
