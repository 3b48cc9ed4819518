// The plan file: JSON with a schema number, written atomically.

#include "acpctl/plan/plan_file.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/strings.hpp"

#include <fmt/format.h>

namespace acp::plan {

using nlohmann::json;

namespace {
constexpr std::string_view k_kind = "acpctl.plan";

Result<Action> action_from(const std::string& text) {
  for (auto a : {Action::create, Action::change, Action::restart, Action::remove})
    if (to_string(a) == text)
      return a;
  return Error(Errc::invalid_input, fmt::format("unknown action {}", util::quoted(text)));
}

Status check_schema(int schema, const std::string& source) {
  if (schema == k_plan_schema)
    return {};
  return Error(Errc::invalid_input,
               fmt::format("plan schema {} is {} than this acpctl reads ({})", schema,
                           schema > k_plan_schema ? "newer" : "older", k_plan_schema))
      .at({source, 0, 0})
      .with_hint("make a new plan with this acpctl: `acpctl plan ... --out FILE`");
}

Result<Target> target_from(const std::string& text) {
  for (auto t : {Target::node, Target::workstation, Target::cluster})
    if (to_string(t) == text)
      return t;
  return Error(Errc::invalid_input, fmt::format("unknown target {}", util::quoted(text)));
}

// The stage's typed params: parsed by the stage's own parser; a stage without one takes
// none. A step without params is one its stage's apply half runs without (it checks).
Result<ParamsPtr> params_from(const json& s, const Stage& stage) {
  const auto it = s.find("params");
  if (it == s.end() || it->is_null())
    return ParamsPtr{};
  if (!stage.parse_params)
    return Error(Errc::invalid_input, "has params, which this stage does not take");
  return stage.parse_params(*it);
}

// One step, checked before anything runs: a known stage, action and target, a host the plan
// has (none for the workstation), params of the stage's type.
Result<Step> step_from(const json& s, std::size_t number, const Plan& plan, Stages stages) {
  const auto in_step = [number](const std::string& what) {
    return Error(Errc::invalid_input, fmt::format("step {}: {}", number, what));
  };
  Step step;
  step.stage = s.at("stage").get<std::string>();
  const auto* stage = find_stage(stages, step.stage);
  if (!stage)
    return in_step(fmt::format("unknown stage {}", util::quoted(step.stage)));
  auto target = target_from(s.value("target", "node"));
  auto action = action_from(s.at("action").get<std::string>());
  auto params = params_from(s, *stage);
  for (const auto* bad :
       {target.ok() ? nullptr : &target.error(), action.ok() ? nullptr : &action.error(),
        params.ok() ? nullptr : &params.error()})
    if (bad)
      return in_step(bad->message());
  step.target = *target;
  step.host = s.at("host").get<std::string>();
  const bool workstation = step.target == Target::workstation;
  if (workstation != step.host.empty() || (!workstation && !plan.node_serials.contains(step.host)))
    return in_step(fmt::format("host {} is not one of the plan's nodes", util::quoted(step.host)));
  step.action = *action;
  step.component = s.at("component").get<std::string>();
  step.from_version = s.value("fromVersion", "");
  step.to_version = s.value("toVersion", "");
  step.digest = s.value("digest", "");
  step.reason = s.value("reason", "");
  step.params = std::move(*params);
  step.together = s.value("together", false);
  return step;
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
    if (s.params)
      step["params"] = s.params->to_json();
    if (s.target != Target::node)
      step["target"] = to_string(s.target);
    if (s.together)
      step["together"] = true;
    steps.push_back(std::move(step));
  }
  const auto sum = plan.summary();
  return {{"schema", k_plan_schema},
          {"kind", k_kind},
          {"configDigest", plan.config_digest},
          {"packageDigest", plan.package_digest},
          {"packageKey", plan.package_key},
          {"nodeSerials", plan.node_serials},
          {"steps", steps},
          {"summary",
           {{"create", sum.create},
            {"change", sum.change},
            {"restart", sum.restart},
            {"remove", sum.remove}}}};
}

Result<Plan> from_json(const json& doc, const std::string& source, Stages stages) {
  const auto bad = [&](const std::string& what) {
    return Error(Errc::invalid_input, fmt::format("not a valid acpctl plan: {}", what))
        .at({source, 0, 0})
        .with_hint("make a new one with `acpctl plan -f cluster.yaml --package PKG --out FILE`");
  };
  if (!doc.is_object() || doc.value("kind", "") != k_kind)
    return bad("it has no \"kind\": \"acpctl.plan\"");
  try {
    if (auto s = check_schema(doc.at("schema").get<int>(), source); !s)
      return std::move(s).error();
    Plan plan;
    plan.config_digest = doc.at("configDigest").get<std::string>();
    plan.package_digest = doc.at("packageDigest").get<std::string>();
    plan.package_key = doc.at("packageKey").get<std::string>();
    plan.node_serials = doc.at("nodeSerials").get<std::map<std::string, std::uint64_t>>();
    for (const auto& s : doc.at("steps")) {
      auto step = step_from(s, plan.steps.size() + 1, plan, stages);
      if (!step)
        return bad(step.error().message());
      plan.steps.push_back(std::move(*step));
    }
    return plan;
  } catch (const json::exception& e) {
    std::string what = e.what();
    if (const auto pos = what.find("] "); pos != std::string::npos)
      what = what.substr(pos + 2);
    return bad(what);
  }
}

std::string content_digest(json doc) {
  doc.erase("digest");
  return "sha256:" + util::sha256_hex(doc.dump());
}

Status save_plan(const Plan& plan, const std::filesystem::path& path) {
  return save_plan_doc(to_json(plan), path);
}

Status save_plan_doc(nlohmann::json doc, const std::filesystem::path& path) {
  doc["digest"] = content_digest(doc);
  return util::write_file_atomic(path, doc.dump(2) + "\n", std::filesystem::perms(0600));
}

Result<Plan> load_plan(const std::filesystem::path& path, Stages stages) {
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
  if (!doc.is_object() || !doc.contains("digest") || doc["digest"] != content_digest(doc))
    return Error(Errc::invalid_input, "the plan file was changed after acpctl wrote it (its "
                                      "digest does not match its content)")
        .at({path.string(), 0, 0})
        .with_hint(
            "make a new plan with `acpctl plan ... --out FILE`; edited plans are not applied");
  return from_json(doc, path.string(), stages);
}

} // namespace acp::plan
