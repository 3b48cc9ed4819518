// Stage "pki", apply half: the node's certificates and keys (pki::node_files, keys 0600)
// rendered from the local PKI again, checked against the plan's digest, uploaded atomically.

#include "acpctl/components/pki/steps.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/stages/platform.hpp"

namespace acp::node_pki {

using namespace stages;

Result<std::vector<service::FileToWrite>> render(const PlatformSource& source,
                                                 const config::Node& node) {
  std::vector<service::FileToWrite> out;
  if (!source.pki)
    return out;
  for (auto& f : pki::node_files(*source.pki, node))
    out.push_back({std::move(f.path), std::move(f.content), static_cast<int>(f.mode)});
  return out;
}

Result<state::StateChange> apply(const plan::Step& step, StepContext& ctx) {
  auto files = render_for(&render, ctx);
  if (!files)
    return std::move(files).error();
  if (files->empty())
    return Error(Errc::failed, "the cluster's PKI was not loaded or has no files for this node")
        .with_hint("plan again");
  const auto digests = digests_of(*files);
  if (auto ok = check_digest("the node's certificates", plan::files_digest(digests), step.digest);
      !ok)
    return std::move(ok).error();
  if (auto ok = write_files(ctx.actions, *files); !ok)
    return std::move(ok).error();
  return state::StateChange::put_record(
      platform_record("pki", step.digest, *files, {pki::k_node_etcd_dir}, "", {}));
}

} // namespace acp::node_pki
