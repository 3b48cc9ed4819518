// Stage "distribute", apply half: every file of the component goes to its version directory
// (uploads are atomic and skip identical content), then `current` is switched atomically.

#include "acpctl/plan/from_package.hpp"
#include "packaged.hpp"

#include <chrono>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <set>

namespace acp::packaged {

using namespace stages;

namespace {

// A link is replaced atomically: a temp link renamed over `current` with mv -T.
constexpr const char* k_switch_link = "ln -sfn -- \"$1\" \"$2\" && mv -T -- \"$2\" \"$3\"";

std::string now_rfc3339() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::now()));
}

std::string parent_of(const std::string& path) {
  return path.substr(0, path.rfind('/'));
}

} // namespace

Result<state::StateChange> apply_distribute(const plan::Step& step, StepContext& ctx) {
  if (!ctx.desired || !ctx.component)
    return Error(Errc::failed, "component " + step.component + " is not in the package")
        .with_hint("apply with the package the plan was made from");
  if (ctx.desired->digest != step.digest)
    return Error(Errc::conflict,
                 "the package's " + step.component + " differs from the one in the plan")
        .with_hint("plan again with this package");
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
  const auto link = state::current_link(c.name);
  if (auto r = ctx.actions.run({"sh", "-c", k_switch_link, "sh", dir, link + ".acpctl-tmp", link});
      !r)
    return std::move(r).error();
  auto record = plan::record_of(*ctx.desired, std::move(files), now_rfc3339());
  // The running service still has the content it was started with until the services stage
  // restarts it; an apply killed in between must leave that visible to the next plan.
  if (const auto* have = ctx.state.find(c.name))
    record.service_digest = have->service_digest;
  return state::StateChange::put(std::move(record));
}

} // namespace acp::packaged
