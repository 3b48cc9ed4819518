// acpctl certs check -f cluster.yaml: every certificate of the cluster with its expiry.
// acpctl certs renew -f cluster.yaml [--package PKG]: re-issues those near expiry, then plans
// and applies (the same runner as acpctl apply) so the nodes get them.

#include "acpctl/config/load.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/runner/apply.hpp"
#include "acpctl/runner/progress.hpp"
#include "acpctl/runner/session.hpp"
#include "app.hpp"
#include "certs_output.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "run_output.hpp"
#include "trust_options.hpp"

#include <fmt/format.h>

namespace acp::cli {

namespace {

struct CheckOptions {
  std::string file;
  int within = 30;
};

struct RenewOptions {
  std::string file;
  std::string package;
  std::string key;
  bool insecure = false;
  int within = 30;
  bool all = false;
  bool yes = false;
  bool dry_run = false;
  int parallel = 16;
};

int run_check(const App& app, const CheckOptions& o) {
  const auto cluster = config::load_valid(o.file).take();
  const auto dir = pki::cluster_dir(cluster);
  const auto entries = pki::check(cluster, dir, o.within);
  if (app.globals().json())
    print_json(certs_to_json(entries, dir));
  else
    fmt::print("{}", render_certs_text(entries));
  const int code = certs_exit_code(entries);
  if (code != k_exit_ok && !app.globals().json())
    fmt::print(
        stderr,
        "Some certificates are missing, expired or invalid: `acpctl apply -f {} --package PKG` "
        "issues them and pushes them to the nodes.\n",
        o.file);
  return code;
}

runner::SessionOptions session_options(const RenewOptions& o) {
  runner::SessionOptions so;
  so.config = o.file;
  if (!o.package.empty())
    so.package = o.package;
  so.parallel = o.parallel;
  so.insecure_skip_signature = o.insecure;
  if (!o.key.empty())
    so.public_key = o.key;
  return so;
}

// The rollout: exactly acpctl apply's flow (plan, show, confirm, apply). The session is opened
// after the renewal, so the plan sees the new certificates.
int roll_out(const App& app, const RenewOptions& o) {
  auto session = runner::Session::open(session_options(o)).take();
  auto planned = runner::plan_cluster(session).take();
  if (!report_planning_problems(app.globals(), planned))
    return k_exit_failed;
  const auto& plan = *planned.plan;
  print_plan(app.globals(), plan);
  if (!plan.has_changes())
    return k_exit_ok;
  const auto report =
      confirm_and_apply(app.globals(), session, plan, planned.gathered, o.yes,
                        "apply these changes", {o.parallel, false, false, "acpctl certs renew"});
  return print_apply_report(app.globals(), report);
}

int run_renew(const App& app, const RenewOptions& o) {
  const auto cluster = config::load_valid(o.file).take();
  const auto dir = pki::cluster_dir(cluster);
  // A package that cannot be read fails before any certificate changes.
  if (!o.package.empty() && !o.dry_run)
    runner::Session::open(session_options(o)).take();
  const auto renewed = pki::renew(cluster, dir, {o.within, o.all, o.dry_run}).take();
  if (app.globals().json())
    print_json(renewed_to_json(renewed, o.dry_run));
  else
    fmt::print("{}", render_renewed_text(renewed, o.dry_run));
  if (o.dry_run)
    return k_exit_ok;
  if (o.package.empty()) {
    if (!renewed.empty() && !app.globals().json())
      fmt::print(
          stderr,
          "Only the local files changed: `acpctl apply -f {} --package PKG` pushes them to the "
          "nodes and restarts what uses them.\n",
          o.file);
    return k_exit_ok;
  }
  return roll_out(app, o);
}

} // namespace

void add_certs_command(App& app) {
  auto* certs = app.root().add_subcommand("certs", "Check and renew the cluster's certificates");
  certs->require_subcommand(1);

  auto* check = certs->add_subcommand(
      "check", "List every certificate of the cluster with its expiry (read-only)");
  auto c = std::make_shared<CheckOptions>();
  app.path_option(check->add_option("-f,--file", c->file, "The cluster config")->required());
  check->add_option("--within", c->within, "Report as expiring what ends within this many days")
      ->capture_default_str()
      ->check(whole_number(1, 3650));
  check->footer("Status: ok, expiring, expired, missing or invalid. Exit code 0 when every "
                "certificate is ok or expiring, 1 when one is expired, missing or invalid.");
  app.on(check, [&app, c] { return run_check(app, *c); });

  auto* renew = certs->add_subcommand(
      "renew", "Re-issue the certificates that expire soon, then plan and apply to push them");
  auto r = std::make_shared<RenewOptions>();
  app.path_option(renew->add_option("-f,--file", r->file, "The cluster config")->required());
  app.path_option(renew->add_option(
      "--package", r->package, "The package to apply (without it only the local files change)"));
  add_trust_options(app, renew, r->key, r->insecure);
  renew->add_option("--within", r->within, "Renew what expires within this many days")
      ->capture_default_str()
      ->check(whole_number(1, 3650));
  renew->add_flag("--all", r->all, "Renew every leaf certificate (the CA is kept)");
  renew->add_flag("-y,--yes", r->yes, "Do not ask for confirmation (needed without a terminal)");
  renew->add_flag("--dry-run", r->dry_run, "Only say what would be renewed; change nothing");
  renew->add_option("--parallel", r->parallel, "At most this many nodes at once")
      ->capture_default_str()
      ->check(whole_number(1, 1024));
  renew->footer("The certificates live in $ACPCTL_HOME/clusters/NAME/pki (default ~/.acpctl). "
                "Renewed ones keep their subject and SANs and get a new key and one more year.");
  app.on(renew, [&app, r] { return run_renew(app, *r); });
}

} // namespace acp::cli
