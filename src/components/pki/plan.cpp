// Stage "pki": the certificates and keys a node needs (pki::node_files) go to it when their
// digest differs from the one its state.json records. The plan holds digests only; the apply
// half reads the content from the local PKI again. A node that needs none any more loses its
// files in the prune stage, unless the etcd stage removes them with its member.

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/components/pki/steps.hpp"
#include "acpctl/stages/platform.hpp"

#include <fmt/format.h>

namespace acp::node_pki {

using namespace plan;

void plan_files(const PlanInput& input, const HostContext& host, std::vector<Step>& out) {
  if (!input.platform)
    return;
  const auto& files = input.platform->of(host.node.name, "pki");
  const auto* have = host.facts.state.find_record("pki");
  Step step;
  step.component = "pki";
  if (files.empty()) {
    if (!have || host.facts.state.find_record(acp::etcd::k_service))
      return;
    step.stage = "prune";
    step.action = Action::remove;
    step.reason = "the node needs no certificates any more";
    step.params = make_params(stages::RecordParams{"pki"});
    out.push_back(std::move(step));
    return;
  }
  step.digest = files_digest(files);
  if (have && have->digest == step.digest)
    return;
  int keys = 0;
  for (const auto& f : files)
    keys += f.mode == 0600 ? 1 : 0;
  step.action = have ? Action::change : Action::create;
  step.reason = fmt::format("{} {} files ({} of them keys, mode 0600)",
                            have ? "certificates changed: upload" : "upload", files.size(), keys);
  out.push_back(std::move(step));
}

} // namespace acp::node_pki
