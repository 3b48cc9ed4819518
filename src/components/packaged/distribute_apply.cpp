// Stage "distribute", apply half: every file of the component goes to its version directory
// (uploads are atomic and skip identical content), then `current` is switched atomically.
// A relabel hard-links the current version's directory under the new version instead, and a
// rollback switches back to the previous version's directory once its files verify.

#include "acpctl/package/manifest.hpp"
#include "acpctl/plan/from_package.hpp"
#include "acpctl/util/strings.hpp"
#include "packaged.hpp"

#include <fmt/format.h>
#include <set>

namespace acp::packaged {

using namespace stages;

namespace {

// A link is replaced atomically: a temp link renamed over `current` with mv -T.
constexpr const char* k_switch_link = "ln -sfn -- \"$1\" \"$2\" && mv -T -- \"$2\" \"$3\"";
std::string parent_of(const std::string& path) {
  return path.substr(0, path.rfind('/'));
}

Status check_step(const plan::Step& step, const StepContext& ctx) {
  if (!ctx.desired)
    return Error(Errc::failed, "component " + step.component + " is not in the package")
        .with_hint("apply with the package the plan was made from");
  if (ctx.desired->digest != step.digest)
    return Error(Errc::conflict,
                 "the package's " + step.component + " differs from the one in the plan")
        .with_hint("plan again with this package");
  return {};
}

// Every file of the component into its version directory; what was put there.
Result<std::vector<state::InstalledFile>> stage_files(StepContext& ctx) {
  const auto& c = *ctx.component;
  const auto dir = state::component_dir(c.name, c.version);
  std::set<std::string> dirs{dir};
  for (const auto& f : c.files)
    dirs.insert(parent_of(dir + "/" + plan::node_relative_path(c, f.path)));
  std::vector<std::string> mkdir{"mkdir", "-p", "--"};
  mkdir.insert(mkdir.end(), dirs.begin(), dirs.end());
  if (auto r = ctx.actions.run(mkdir); !r)
    return std::move(r).error();
  std::vector<state::InstalledFile> files;
  for (const auto& f : c.files) {
    const auto target = dir + "/" + plan::node_relative_path(c, f.path);
    if (f.is_symlink()) {
      if (auto r = ctx.actions.run({"ln", "-sfn", "--", f.symlink, target}); !r)
        return std::move(r).error();
      continue;
    }
    if (auto r = ctx.actions.upload_file(ctx.unpacked / f.path, target, f.mode); !r)
      return std::move(r).error();
    files.push_back({target, f.sha256});
  }
  return files;
}

// The record to commit for the version now current; the version it replaced (if another)
// becomes its previous one. The running service keeps what it was started with until the
// services stage restarts it: an apply killed in between must leave that visible.
state::StateChange record_for(StepContext& ctx, std::vector<state::InstalledFile> files) {
  auto record = plan::record_of(*ctx.desired, std::move(files), util::now_rfc3339());
  if (const auto* have = ctx.state.find(record.name)) {
    record.service_digest = have->service_digest;
    if (have->version != record.version)
      record.previous = detail::previous_of(*have);
  }
  return state::StateChange::put(std::move(record));
}

Result<state::StateChange> upload(StepContext& ctx) {
  if (!ctx.component)
    return Error(Errc::failed, "component " + ctx.desired->name + " is not in the package")
        .with_hint("apply with the package the plan was made from");
  auto files = stage_files(ctx);
  if (!files)
    return std::move(files).error();
  const auto& c = *ctx.component;
  if (auto ok = detail::switch_current(ctx, c.name, state::component_dir(c.name, c.version)); !ok)
    return std::move(ok).error();
  return record_for(ctx, std::move(*files));
}

} // namespace

namespace detail {

Status switch_current(StepContext& ctx, const std::string& name, const std::string& dir) {
  const auto link = state::current_link(name);
  if (auto r = ctx.actions.run({"sh", "-c", k_switch_link, "sh", dir, link + ".acpctl-tmp", link});
      !r)
    return std::move(r).error();
  return {};
}

state::PreviousVersion previous_of(const state::InstalledComponent& have) {
  return {have.version, have.digest,       have.content_digest,
          have.files,   have.service_spec, have.release};
}

} // namespace detail

Result<state::StateChange> apply_distribute(const plan::Step& step, StepContext& ctx) {
  if (auto ok = check_step(step, ctx); !ok)
    return std::move(ok).error();
  // A name from a node's state.json (a rollback's) becomes a path below the components root.
  if (!package::valid_component_name(step.component))
    return Error(Errc::invalid_input, "the plan names a component '" + step.component + "'")
        .with_hint(std::string("a component name is ") +
                   std::string(package::k_component_name_rule));
  const auto* params = step.params_as<DistributeParams>();
  if (!params)
    return upload(ctx);
  if (!package::valid_component_version(params->from))
    return Error(Errc::invalid_input, fmt::format("the plan's version '{}' of {} is not valid",
                                                  params->from, step.component));
  if (params->mode == "relabel")
    return apply_relabel(step, ctx);
  if (params->mode == "reactivate")
    return apply_reactivate(step, ctx);
  return Error(Errc::invalid_input, "unknown distribute mode '" + params->mode + "'");
}

Status prestage_distribute(const plan::Step& step, StepContext& ctx) {
  if (step.params || step.action == plan::Action::remove)
    return {};
  if (auto ok = check_step(step, ctx); !ok)
    return ok;
  if (!ctx.component)
    return Error(Errc::failed, "component " + step.component + " is not in the package");
  auto files = stage_files(ctx);
  if (!files)
    return std::move(files).error();
  return {};
}

} // namespace acp::packaged
