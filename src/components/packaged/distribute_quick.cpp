// Stage "distribute" without bytes sent: a relabel (the same content under a new version)
// and a rollback to the previous version still kept on the node.

#include "acpctl/plan/release.hpp"
#include "acpctl/util/strings.hpp"
#include "packaged.hpp"

#include <fmt/format.h>
#include <sstream>

namespace acp::packaged {

using namespace stages;

namespace {

// The old version's directory hard-linked under the new version (no bytes sent), through a
// temp name so an interrupted copy is never taken for a finished one.
constexpr const char* k_link_copy =
    "set -e; if [ ! -d \"$2\" ]; then rm -rf -- \"$2.acpctl-tmp\"; "
    "cp -al -- \"$1\" \"$2.acpctl-tmp\"; mv -T -- \"$2.acpctl-tmp\" \"$2\"; fi";

// The recorded files of a version directory, each checked to lie inside it (state.json is
// read from the node and not trusted with paths).
Result<std::vector<state::InstalledFile>> inside(const std::vector<state::InstalledFile>& files,
                                                 const std::string& dir) {
  for (const auto& f : files)
    if (!f.path.starts_with(dir + "/") || f.path.find("/../") != std::string::npos)
      return Error(Errc::invalid_input, fmt::format("state.json lists {} outside {}", f.path, dir))
          .with_hint("inspect /var/lib/acp/state.json on the node");
  return files;
}

// The kept files of a version still hold the recorded bytes: sha256sum's lines compared.
Status verify_kept(StepContext& ctx, const std::vector<state::InstalledFile>& files,
                   const std::string& what) {
  if (files.empty())
    return {};
  std::vector<std::string> argv{"sha256sum", "--"};
  for (const auto& f : files)
    argv.push_back(f.path);
  auto r = ctx.actions.run(argv);
  if (!r)
    return Error(std::move(r).error())
        .context("the kept files of " + what + " are missing")
        .with_hint("apply the package that carries " + what + " (`acpctl upgrade apply`)");
  std::istringstream lines(r->out);
  for (const auto& f : files) {
    std::string line;
    std::getline(lines, line);
    if (!ctx.actions.dry_run() && !line.starts_with(f.sha256 + " "))
      return Error(Errc::verify, fmt::format("{} on the node no longer matches what {} "
                                             "installed; nothing was switched",
                                             f.path, what))
          .with_hint("apply the package that carries " + what + " (`acpctl upgrade apply`)");
  }
  return {};
}

} // namespace

Result<state::StateChange> apply_relabel(const plan::Step& step, StepContext& ctx) {
  const auto* have = ctx.state.find(step.component);
  const auto& p = *step.params_as<DistributeParams>();
  if (!have || have->version != p.from || !same_content(*have, *ctx.desired))
    return Error(Errc::conflict, step.component + " on the node is not what the plan relabels")
        .with_hint("plan again");
  const auto from = state::component_dir(step.component, p.from);
  const auto to = state::component_dir(step.component, ctx.desired->version);
  auto kept = inside(have->files, from);
  if (!kept)
    return std::move(kept).error();
  if (auto r = ctx.actions.run({"sh", "-c", k_link_copy, "sh", from, to}); !r)
    return std::move(r).error();
  if (auto ok = detail::switch_current(ctx, step.component, to); !ok)
    return std::move(ok).error();
  std::vector<state::InstalledFile> files;
  for (const auto& f : *kept)
    files.push_back({to + f.path.substr(from.size()), f.sha256});
  auto record = plan::record_of(*ctx.desired, std::move(files), util::now_rfc3339());
  // Same bytes and service: a service that ran the old label runs the new one.
  record.service_digest =
      have->service_digest == have->digest ? ctx.desired->digest : have->service_digest;
  record.previous = detail::previous_of(*have);
  return state::StateChange::put(std::move(record));
}

Result<state::StateChange> apply_reactivate(const plan::Step& step, StepContext& ctx) {
  const auto* have = ctx.state.find(step.component);
  const auto& p = *step.params_as<DistributeParams>();
  if (!have || !have->previous || have->previous->version != p.from ||
      have->previous->digest != ctx.desired->digest)
    return Error(Errc::conflict,
                 step.component + " on the node has no kept version the plan returns to")
        .with_hint("plan again");
  const auto& prev = *have->previous;
  const auto dir = state::component_dir(step.component, prev.version);
  auto kept = inside(prev.files, dir);
  if (!kept)
    return std::move(kept).error();
  if (auto ok = verify_kept(ctx, *kept, step.component + " " + prev.version); !ok)
    return std::move(ok).error();
  if (auto ok = detail::switch_current(ctx, step.component, dir); !ok)
    return std::move(ok).error();
  auto record = plan::record_of(*ctx.desired, *kept, util::now_rfc3339());
  record.service_spec = prev.service_spec;
  // Back from a relabel (the same bytes): a service that ran them still does.
  const bool same = !have->content_digest.empty() && have->content_digest == prev.content_digest;
  record.service_digest =
      same && have->service_digest == have->digest ? prev.digest : have->service_digest;
  record.previous = detail::previous_of(*have);
  return state::StateChange::put(std::move(record));
}

} // namespace acp::packaged
