// Stage "release": once a node runs everything of a release, it records that release (the
// one before becomes the previous release) and deletes version directories older than each
// component's current and previous versions.

#include "acpctl/package/manifest.hpp"
#include "acpctl/util/shell.hpp"
#include "acpctl/util/strings.hpp"
#include "packaged.hpp"

#include <fmt/format.h>

namespace acp::packaged {

using namespace plan;

namespace {

std::string action_for(const PlanInput& input, const state::NodeState& st) {
  if (!input.release_action.empty())
    return input.release_action;
  return st.release ? "upgrade" : "install";
}

// `find` over a component's directory deleting every entry but its current link and the
// versions to keep. Names are valid component names and versions (checked here), so `-name`
// matches them literally.
Result<std::vector<std::string>> cleanup_argv(const state::InstalledComponent& c) {
  std::vector<std::string> keep{c.version};
  if (c.previous)
    keep.push_back(c.previous->version);
  if (!package::valid_component_name(c.name))
    return Error(Errc::invalid_input, "state.json names a component '" + c.name + "'");
  for (const auto& v : keep)
    if (!package::valid_component_version(v))
      return Error(Errc::invalid_input,
                   fmt::format("state.json names a version '{}' of {}", v, c.name));
  std::vector<std::string> argv{"find",
                                fmt::format("{}/{}", state::k_components_root, c.name),
                                "-mindepth",
                                "1",
                                "-maxdepth",
                                "1",
                                "!",
                                "-name",
                                std::string(state::k_current_link)};
  for (const auto& v : keep)
    argv.insert(argv.end(), {"!", "-name", v});
  argv.insert(argv.end(), {"-exec", "rm", "-rf", "--", "{}", "+"});
  return argv;
}

} // namespace

void plan_release(const PlanInput& input, const HostContext& host, std::vector<Step>& out) {
  if (!input.release)
    return;
  const auto& want = *input.release;
  const auto& have = host.facts.state.release;
  if (have && have->digest == want.digest)
    return;
  Step step;
  step.action = have ? Action::change : Action::create;
  step.component = want.name;
  step.from_version = have ? have->version : "";
  step.to_version = want.version;
  const auto action = action_for(input, host.facts.state);
  step.reason = fmt::format("{} {} {}{}", action, want.name, want.version,
                            have ? fmt::format(" (was {})", have->version) : "");
  step.params = make_params(
      ReleaseParams{want.name, want.version, want.type, want.base_version, want.digest, action});
  out.push_back(std::move(step));
}

Result<state::StateChange> apply_release(const plan::Step& step, stages::StepContext& ctx) {
  const auto* p = step.params_as<ReleaseParams>();
  if (!p)
    return Error(Errc::invalid_input, "the release step has no release");
  // One command for every component's clean-up: each find is a line of one script.
  std::string script = "set -e";
  for (const auto& [name, c] : ctx.state.components) {
    auto argv = cleanup_argv(c);
    if (!argv)
      return Error(std::move(argv).error()).with_hint("inspect /var/lib/acp/state.json");
    script += "\n[ ! -d " + util::shell_quote(argv->at(1)) + " ] || " + util::shell_join(*argv);
  }
  if (auto r = ctx.actions.run({"sh", "-c", script}); !r)
    return std::move(r).error();
  const auto now = util::now_rfc3339();
  state::Release release{p->name, p->version, p->type, p->base_version, p->digest, now};
  const auto snapshot = ctx.outputs ? ctx.outputs->get("etcd.snapshot") : std::nullopt;
  state::ReleaseEvent event{now, p->action,
                            ctx.state.release ? ctx.state.release->version : std::string(),
                            p->version, snapshot.value_or("")};
  return state::StateChange::put_release(std::move(release), std::move(event));
}

} // namespace acp::packaged
