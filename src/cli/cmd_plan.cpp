// acpctl plan -f cluster.yaml --package PKG [--key PUB] [--out plan.json] [--detailed-exitcode]:
// gathers facts, runs preflight, prints (and saves) the plan.

#include "acpctl/plan/render.hpp"
#include "acpctl/runner/plan_inputs.hpp"
#include "acpctl/runner/session.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "run_output.hpp"
#include "trust_options.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace acp::cli {

namespace {

struct Options {
  std::string file;
  std::string package;
  std::string key;
  bool insecure = false;
  std::string out;
  bool detailed = false;
  int parallel = 16;
};

int run_plan(const App& app, const Options& o) {
  runner::SessionOptions so;
  so.config = o.file;
  so.package = o.package;
  so.parallel = o.parallel;
  so.insecure_skip_signature = o.insecure;
  if (!o.key.empty())
    so.public_key = o.key;
  auto session = runner::Session::open(so).take();
  const auto planned = runner::plan_cluster(session).take();
  if (!report_planning_problems(app.globals(), planned))
    return k_exit_failed;
  print_plan(app.globals(), *planned.plan);
  if (!o.out.empty()) {
    runner::save_plan_file({*planned.plan, std::filesystem::absolute(o.file).string(),
                            std::filesystem::absolute(o.package).string()},
                           o.out)
        .take();
    if (!app.globals().json())
      fmt::print(stderr, "Saved the plan to {}; apply it with: acpctl apply {}\n", o.out, o.out);
  }
  return o.detailed ? plan::detailed_exit_code(*planned.plan) : k_exit_ok;
}

} // namespace

void add_plan_command(App& app) {
  auto* cmd = app.root().add_subcommand(
      "plan", "Show what apply would change on the cluster (gathers facts, runs preflight)");
  auto o = std::make_shared<Options>();
  app.path_option(cmd->add_option("-f,--file", o->file, "The cluster config")->required());
  app.path_option(cmd->add_option("--package", o->package, "The package to apply")->required());
  add_trust_options(app, cmd, o->key, o->insecure);
  app.path_option(cmd->add_option("--out", o->out, "Save the plan to this file (for apply)"));
  cmd->add_flag("--detailed-exitcode", o->detailed, "Exit 2 when there are changes, 0 when none");
  cmd->add_option("--parallel", o->parallel, "At most this many nodes at once")
      ->capture_default_str()
      ->check(whole_number(1, 1024));
  app.on(cmd, [&app, o] { return run_plan(app, *o); });
}

} // namespace acp::cli
