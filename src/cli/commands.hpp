#pragma once

namespace acp::cli {

class App;

void add_version_command(App& app);
void add_init_command(App& app);
void add_validate_command(App& app);
void add_completion_command(App& app);
void add_package_command(App& app);
void add_exec_command(App& app);
void add_upload_command(App& app);
void add_status_command(App& app);
void add_plan_command(App& app);
void add_apply_command(App& app);
void add_reset_command(App& app);
void add_certs_command(App& app);
void add_etcd_command(App& app);
void add_upgrade_command(App& app);
void add_images_command(App& app);
void add_kubeconfig_command(App& app);
void add_history_command(App& app);

} // namespace acp::cli
