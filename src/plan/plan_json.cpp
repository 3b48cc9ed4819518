// The plan file: JSON with a schema number, written atomically.

#include "acpctl/plan/plan_file.hpp"
#include "acpctl/util/fs.hpp"

#include <fmt/format.h>

namespace acp::plan {

using nlohmann::json;

namespace {
constexpr std::string_view k_kind = "acpctl.plan";

Result<Action> action_from(const std::string& text, const std::string& source) {
  for (auto a : {Action::create, Action::change, Action::restart, Action::remove})
    if (to_string(a) == text)
      return a;
  return Error(Errc::invalid_input, fmt::format("unknown action '{}'", text)).at({source, 0, 0});
}
} // namespace

json to_json(const Plan& plan) {
  json steps = json::array();
  for (const auto& s : plan.steps) {
    json step = {{"host", s.host},
                 {"stage", s.stage},
                 {"action", to_string(s.action)},
                 {"component", s.component},
                 {"fromVersion", s.from_version},
                 {"toVersion", s.to_version},
                 {"digest", s.digest},
                 {"reason", s.reason}};
    if (!s.params.empty())
      step["params"] = s.params;
    steps.push_back(std::move(step));
  }
  const auto sum = plan.summary();
  return {{"schema", k_plan_schema},
          {"kind", k_kind},
          {"configDigest", plan.config_digest},
          {"packageDigest", plan.package_digest},
          {"nodeSerials", plan.node_serials},
          {"steps", steps},
          {"summary",
           {{"create", sum.create},
            {"change", sum.change},
            {"restart", sum.restart},
            {"remove", sum.remove}}}};
}

Result<Plan> from_json(const json& doc, const std::string& source) {
  const auto bad = [&](const std::string& what) {
    return Error(Errc::invalid_input, fmt::format("not a valid acpctl plan: {}", what))
        .at({source, 0, 0})
        .with_hint("make a new one with `acpctl plan -f cluster.yaml --package PKG --out FILE`");
  };
  if (!doc.is_object() || doc.value("kind", "") != k_kind)
    return bad("it has no \"kind\": \"acpctl.plan\"");
  try {
    const auto schema = doc.at("schema").get<int>();
    if (schema > k_plan_schema)
      return Error(Errc::invalid_input,
                   fmt::format("plan schema {} is newer than this acpctl reads ({})", schema,
                               k_plan_schema))
          .at({source, 0, 0})
          .with_hint("apply it with the acpctl that made it, or plan again with this one");
    Plan plan;
    plan.config_digest = doc.at("configDigest").get<std::string>();
    plan.package_digest = doc.at("packageDigest").get<std::string>();
    plan.node_serials = doc.at("nodeSerials").get<std::map<std::string, std::uint64_t>>();
    for (const auto& s : doc.at("steps")) {
      auto action = action_from(s.at("action").get<std::string>(), source);
      if (!action)
        return std::move(action).error();
      plan.steps.push_back({s.at("host").get<std::string>(), s.at("stage").get<std::string>(),
                            *action, s.at("component").get<std::string>(),
                            s.value("fromVersion", ""), s.value("toVersion", ""),
                            s.value("digest", ""), s.value("reason", ""),
                            s.value("params", std::map<std::string, std::string>{})});
    }
    return plan;
  } catch (const json::exception& e) {
    std::string what = e.what();
    if (const auto pos = what.find("] "); pos != std::string::npos)
      what = what.substr(pos + 2);
    return bad(what);
  }
}

Status save_plan(const Plan& plan, const std::filesystem::path& path) {
  return util::write_file_atomic(path, to_json(plan).dump(2) + "\n");
}

Result<Plan> load_plan(const std::filesystem::path& path) {
  auto text = util::read_file(path);
  if (!text)
    return std::move(text).error();
  json doc;
  try {
    doc = json::parse(*text);
  } catch (const json::parse_error& e) {
    return Error(Errc::invalid_input, fmt::format("not JSON (byte {})", e.byte))
        .at({path.string(), 0, 0})
        .with_hint("pass the file written by `acpctl plan --out`");
  }
  return from_json(doc, path.string());
}

} // namespace acp::plan
