// The command tree: one line per command; each command is one file.

#include "commands.hpp"

#include "app.hpp"

namespace acp::cli {

void add_commands(App& app) {
  add_version_command(app);
  add_init_command(app);
  add_validate_command(app);
  add_package_command(app);
  add_exec_command(app);
  add_upload_command(app);
  add_plan_command(app);
  add_apply_command(app);
  add_status_command(app);
  add_reset_command(app);
  add_certs_command(app);
  add_etcd_command(app);
  add_upgrade_command(app);
  add_images_command(app);
  add_kubeconfig_command(app);
  add_history_command(app);
  add_completion_command(app);
}

} // namespace acp::cli
