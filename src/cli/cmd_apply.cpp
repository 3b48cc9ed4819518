// acpctl apply -f cluster.yaml --package PKG [--yes] | acpctl apply plan.json: shows the plan,
// asks, runs it; a saved plan must still be fresh.

#include "acpctl/components/registry.hpp"
#include "acpctl/plan/render.hpp"
#include "acpctl/runner/apply.hpp"
#include "acpctl/runner/plan_inputs.hpp"
#include "acpctl/runner/progress.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "run_output.hpp"
#include "trust_options.hpp"

#include <fmt/format.h>

namespace acp::cli {

namespace {

struct Options {
  std::string plan_file;
  std::string file;
  std::string package;
  std::string key;
  bool insecure = false;
  bool yes = false;
  bool force_unlock = false;
  bool dry_run = false;
  int parallel = 16;
};

int run_apply(const App& app, Options o) {
  std::optional<runner::PlanFile> saved;
  if (!o.plan_file.empty()) {
    saved = runner::load_plan_file(o.plan_file, components::registry()).take();
    if (o.file.empty())
      o.file = saved->config;
    if (o.package.empty())
      o.package = saved->package;
  }
  if (o.file.empty() || (o.package.empty() && (!saved || saved->plan.has_changes())))
    throw Failure(Error(Errc::usage, "apply needs -f cluster.yaml and --package PKG, or a plan "
                                     "file saved by acpctl plan --out")
                      .with_hint("acpctl apply -f cluster.yaml --package core.tgz"));
  runner::SessionOptions so;
  so.config = o.file;
  so.parallel = o.parallel;
  so.insecure_skip_signature = o.insecure;
  // The unpack pass before any change verifies every file; opening checks the signature.
  so.verify_content = false;
  if (!o.package.empty())
    so.package = o.package;
  if (!o.key.empty())
    so.public_key = o.key;
  if (saved)
    so.required_fingerprint = saved->plan.package_key;
  auto session = runner::Session::open(so).take();
  auto planned = runner::plan_cluster(session).take();
  if (!report_planning_problems(app.globals(), planned))
    return k_exit_failed;
  plan::Plan plan = std::move(*planned.plan);
  // A saved plan runs only as the plan made now from the same inputs: never its own steps.
  if (saved)
    plan::check_same(saved->plan, plan, session.current(planned.gathered)).take();
  print_plan(app.globals(), plan);
  if (!plan.has_changes())
    return k_exit_ok;
  const auto report = confirm_and_apply(app.globals(), session, plan, planned.gathered, o.yes,
                                        "apply these changes",
                                        {o.parallel, o.dry_run, o.force_unlock, "acpctl apply"});
  return print_apply_report(app.globals(), report);
}

} // namespace

void add_apply_command(App& app) {
  auto* cmd = app.root().add_subcommand(
      "apply", "Plan and apply the package to the cluster, or apply a saved plan");
  auto o = std::make_shared<Options>();
  app.path_option(cmd->add_option("plan", o->plan_file, "A plan saved by acpctl plan --out"));
  app.path_option(cmd->add_option("-f,--file", o->file, "The cluster config"));
  app.path_option(cmd->add_option("--package", o->package, "The package to apply"));
  add_trust_options(app, cmd, o->key, o->insecure);
  cmd->add_flag("-y,--yes", o->yes, "Do not ask for confirmation (needed without a terminal)");
  cmd->add_flag("--force-unlock", o->force_unlock,
                "Take the nodes' apply lock even if another apply holds it");
  cmd->add_flag("--dry-run", o->dry_run, "Log every change instead of making it");
  cmd->add_option("--parallel", o->parallel, "At most this many nodes at once")
      ->capture_default_str()
      ->check(whole_number(1, 1024));
  cmd->footer("Test only: ACPCTL_TEST_EXIT_AFTER_STEP=N exits (137) right after step N.");
  app.on(cmd, [&app, o] { return run_apply(app, *o); });
}

} // namespace acp::cli
