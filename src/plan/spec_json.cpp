// A component's ServiceSpec as state.json records it, so a rollback can set the previous
// version's service up again without the package that carried it.

#include "acpctl/plan/release.hpp"
#include "acpctl/service/manager.hpp"

#include <fmt/format.h>

namespace acp::plan {

using nlohmann::json;

json spec_to_json(const service::ServiceSpec& spec) {
  json env = json::array();
  for (const auto& [k, v] : spec.environment)
    env.push_back({k, v});
  return {{"name", spec.name},
          {"command", spec.command},
          {"user", spec.user},
          {"environment", env},
          {"workingDir", spec.working_dir},
          {"healthCheck", spec.health_check},
          {"restart", std::string(service::to_string(spec.restart))},
          {"startSeconds", spec.start_seconds},
          {"checkIntervalSeconds", spec.check_interval_seconds},
          {"checkTimeoutSeconds", spec.check_timeout_seconds}};
}

Result<service::ServiceSpec> spec_from_json(const json& j) {
  try {
    service::ServiceSpec spec;
    spec.name = j.at("name").get<std::string>();
    spec.command = j.at("command").get<service::Argv>();
    spec.user = j.value("user", "");
    for (const auto& pair : j.value("environment", json::array()))
      spec.environment.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    spec.working_dir = j.value("workingDir", "");
    spec.health_check = j.value("healthCheck", service::Argv{});
    spec.restart = service::restart_policy(j.value("restart", "always"));
    spec.start_seconds = j.value("startSeconds", spec.start_seconds);
    spec.check_interval_seconds = j.value("checkIntervalSeconds", spec.check_interval_seconds);
    spec.check_timeout_seconds = j.value("checkTimeoutSeconds", spec.check_timeout_seconds);
    if (auto ok = service::validate(spec); !ok)
      return std::move(ok).error();
    return spec;
  } catch (const json::exception& e) {
    return Error(Errc::invalid_input,
                 fmt::format("a recorded service spec is unreadable: {}", e.what()));
  }
}

} // namespace acp::plan
