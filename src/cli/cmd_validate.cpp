// acpctl validate -f FILE: every problem of a cluster config at once, or a one-line summary.

#include "acpctl/config/load.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"

#include <fmt/format.h>

namespace acp::cli {

namespace {

nlohmann::json summary_json(const config::Cluster& c) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& n : c.nodes) {
    nlohmann::json roles = nlohmann::json::array();
    for (auto r : n.roles)
      roles.push_back(config::to_string(r));
    nodes.push_back({{"name", n.name}, {"address", n.address}, {"roles", roles}});
  }
  nlohmann::json j = {{"name", c.name},
                      {"type", config::to_string(c.type)},
                      {"kubernetesVersion", c.kubernetes_version},
                      {"etcdMembers", c.nodes_with(config::Role::etcd).size()},
                      {"nodes", nodes}};
  if (c.endpoint.self_built_vip)
    j["vip"] = c.endpoint.self_built_vip->vip;
  if (c.endpoint.external_load_balancer)
    j["loadBalancer"] = fmt::format("{}:{}", c.endpoint.external_load_balancer->address,
                                    c.endpoint.external_load_balancer->port);
  return j;
}

std::string summary_text(const config::Cluster& c) {
  std::string endpoint = c.endpoint.self_built_vip ? "VIP " + c.endpoint.self_built_vip->vip
                         : c.endpoint.external_load_balancer
                             ? "load balancer " + c.endpoint.external_load_balancer->address
                             : "no endpoint";
  return fmt::format("{}: valid — {} cluster \"{}\", Kubernetes {}, {} nodes, {} etcd members, {}",
                     c.source, config::to_string(c.type), c.name, c.kubernetes_version,
                     c.nodes.size(), c.nodes_with(config::Role::etcd).size(), endpoint);
}

} // namespace

void add_validate_command(App& app) {
  auto* cmd =
      app.root().add_subcommand("validate", "Check a cluster config and report every problem");
  auto file = std::make_shared<std::string>();
  app.path_option(
      cmd->add_option("-f,--file", *file, "The cluster config (- for standard input)")->required());
  app.on(cmd, [&app, file] {
    const auto result = config::load_file(*file);
    const std::string source = *file == "-" ? "<stdin>" : *file;
    if (app.globals().json()) {
      nlohmann::json problems = nlohmann::json::array();
      for (const auto& p : result.problems)
        problems.push_back({{"file", p.where.file},
                            {"line", p.where.line},
                            {"column", p.where.column},
                            {"path", p.path},
                            {"message", p.message},
                            {"hint", p.hint}});
      nlohmann::json doc = {{"schema", k_json_schema},
                            {"file", source},
                            {"valid", result.ok()},
                            {"problems", problems}};
      if (result.ok())
        doc["cluster"] = summary_json(*result.cluster);
      print_json(doc);
      return result.ok() ? k_exit_ok : k_exit_usage;
    }
    if (result.ok()) {
      fmt::print("{}\n", summary_text(*result.cluster));
      return k_exit_ok;
    }
    for (const auto& p : result.problems) {
      const auto where = p.where.to_string();
      fmt::print(stderr, "{}error: {}\n", where.empty() ? "" : where + ": ", p.message);
      if (!p.hint.empty())
        fmt::print(stderr, "  hint: {}\n", p.hint);
    }
    fmt::print(stderr, "{}: {} problem{}\n", source, result.problems.size(),
               result.problems.size() == 1 ? "" : "s");
    return k_exit_usage;
  });
}

} // namespace acp::cli
