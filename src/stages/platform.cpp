// Apply-side helpers of the platform stages: files, service, record.

#include "acpctl/stages/platform.hpp"

#include "acpctl/config/load.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"

#include <chrono>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <map>
#include <set>

namespace acp::stages {

namespace {
// Every file and directory a platform stage writes, except the etcd data dir, is below it.
constexpr std::string_view k_platform_root = "/etc/acp";
} // namespace

Status write_files(Actions& actions, const std::vector<service::FileToWrite>& files) {
  std::set<std::string> dirs;
  for (const auto& f : files)
    dirs.insert(f.path.substr(0, f.path.rfind('/')));
  if (dirs.empty())
    return {};
  std::vector<std::string> mkdir{"mkdir", "-p", "-m", "0755", "--"};
  mkdir.insert(mkdir.end(), dirs.begin(), dirs.end());
  if (auto r = actions.run(mkdir); !r)
    return std::move(r).error();
  return actions.upload_texts(files);
}

Status run_platform_service(StepContext& ctx, const service::ServiceSpec& spec, int gate_seconds,
                            std::optional<bool> installed) {
  if (!ctx.services)
    return Error(Errc::failed, "no service manager (systemd or runit) on this node")
        .with_hint("install systemd or runit on the node, then apply again");
  const bool exists = installed.value_or(ctx.facts.services.count(spec.name) > 0);
  auto inst = ctx.services->install(spec, exists);
  if (!inst)
    return std::move(inst).error();
  if (auto ok = write_files(ctx.actions, inst->files); !ok)
    return ok;
  for (const auto& argv : inst->commands)
    if (auto r = ctx.actions.run(argv); !r)
      return std::move(r).error();
  // A new runit service starts on its own once runsvdir scans it; `start` waits for that.
  if (auto r = ctx.actions.run(exists ? ctx.services->restart(spec.name)
                                      : ctx.services->start(spec.name));
      !r)
    return std::move(r).error();
  if (ctx.actions.dry_run())
    return {};
  return health_gate(ctx, spec, gate_seconds);
}

state::PlatformRecord platform_record(std::string name, std::string digest,
                                      const std::vector<service::FileToWrite>& files,
                                      std::vector<std::string> dirs, std::string service,
                                      std::vector<int> ports) {
  state::PlatformRecord r;
  r.name = std::move(name);
  r.digest = std::move(digest);
  for (const auto& f : files)
    r.files.push_back({f.path, util::sha256_hex(f.content)});
  r.dirs = std::move(dirs);
  r.service = std::move(service);
  r.ports = std::move(ports);
  r.updated_at =
      fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::now()));
  return r;
}

Result<std::vector<service::FileToWrite>> render_for(FileRenderer render, StepContext& ctx) {
  if (!ctx.node || !ctx.platform)
    return Error(Errc::failed, "a platform stage ran without the cluster config");
  return render(*ctx.platform, *ctx.node);
}

std::vector<plan::FileDigest> digests_of(const std::vector<service::FileToWrite>& files) {
  std::vector<plan::FileDigest> out;
  for (const auto& f : files)
    out.push_back({f.path, util::sha256_hex(f.content), static_cast<unsigned>(f.mode)});
  return out;
}

Status check_digest(const std::string& what, const std::string& have, const std::string& want) {
  if (have == want)
    return {};
  return Error(Errc::conflict, fmt::format("{} differ from the plan's ({} -> {})", what,
                                           have.substr(0, 19), want.substr(0, 19)))
      .with_hint("the config, the PKI or the package changed since the plan was made: plan "
                 "again and apply that plan");
}

Status uninstall_service(StepContext& ctx, const std::string& service) {
  if (service.empty() || !ctx.services || ctx.facts.services.count(service) == 0)
    return {};
  // runit's uninstall tolerates runsvdir having stopped the supervisor first.
  for (const auto& argv : ctx.services->uninstall(service))
    if (auto r = ctx.actions.run(argv); !r)
      return std::move(r).error();
  return {};
}

namespace {

// The root a recorded path must stay below when it is removed.
Result<std::string> owned_root_of(const std::string& record, const std::string& path) {
  if (path.starts_with(k_platform_root) && path.size() > k_platform_root.size() &&
      path[k_platform_root.size()] == '/')
    return std::string(k_platform_root);
  // kubeadm's directory, where the kubernetes stage puts the external-CA mode's files.
  constexpr std::string_view k_kubeadm_root = "/etc/kubernetes";
  if (path.starts_with(k_kubeadm_root) && path.size() > k_kubeadm_root.size() &&
      path[k_kubeadm_root.size()] == '/')
    return std::string(k_kubeadm_root);
  // The etcd data dir: whatever the config said when it was written, it passed the same rule.
  if (config::node_dir_problem(path).empty())
    return path.substr(0, path.rfind('/'));
  return Error(Errc::invalid_input,
               fmt::format("state.json's record {} lists {}, which acpctl would not have written",
                           record, util::quoted(path)))
      .with_hint(
          fmt::format("acpctl removes only paths below {} or /etc/kubernetes and data dirs that "
                      "spec.etcd.dataDir allows; fix {} by hand",
                      k_platform_root, state::k_state_path));
}

} // namespace

Status remove_platform_record(StepContext& ctx, const state::PlatformRecord& record) {
  std::vector<std::string> paths;
  for (const auto& f : record.files)
    paths.push_back(f.path);
  paths.insert(paths.end(), record.dirs.begin(), record.dirs.end());
  // Checked before anything is stopped or removed, so a bad entry leaves the record whole.
  std::map<std::string, std::vector<std::string>> by_root;
  for (const auto& path : paths) {
    auto root = owned_root_of(record.name, path);
    if (!root)
      return std::move(root).error();
    by_root[*root].push_back(path);
  }
  if (auto ok = uninstall_service(ctx, record.service); !ok)
    return ok;
  for (const auto& [root, below] : by_root)
    if (auto ok = ctx.actions.remove_tree(below, root); !ok)
      return ok;
  return {};
}

plan::Step prune_record_step(const std::string& record, std::string reason) {
  plan::Step step;
  step.action = plan::Action::remove;
  step.component = record;
  step.stage = "prune";
  step.reason = std::move(reason);
  step.params = plan::make_params(RecordParams{record});
  return step;
}

} // namespace acp::stages
