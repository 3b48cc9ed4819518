#pragma once
// The plan file (`acpctl plan --out plan.json`) and the staleness check `acpctl apply` makes
// before it executes one.

#include "acpctl/plan/plan.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/util/error.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acp::plan {

nlohmann::json to_json(const Plan& plan);
/// Reads a plan document; `source` names it in errors (Errc::invalid_input). A step's stage
/// must be one of `stages`, its params of that stage's type.
Result<Plan> from_json(const nlohmann::json& doc, const std::string& source, Stages stages);

/// "sha256:..." over `doc` without its "digest" key (nlohmann dumps keys sorted, so the text
/// is canonical). Not a secret check: it catches a plan file edited by hand or damaged.
std::string content_digest(nlohmann::json doc);
/// Writes the plan atomically (temp file, then rename), mode 0600, with its content digest.
Status save_plan(const Plan& plan, const std::filesystem::path& path);
/// As save_plan, for a plan document the caller extended (runner's "inputs").
Status save_plan_doc(nlohmann::json doc, const std::filesystem::path& path);
/// Reads a plan file; fails naming the file if it is missing, not JSON, edited since it was
/// written (digest), not a plan, of another schema, or names an unknown stage, action or host
/// in a step (its stage one of `stages`, its params of that stage's type).
Result<Plan> load_plan(const std::filesystem::path& path, Stages stages);

/// What the plan's inputs look like now.
struct CurrentInputs {
  std::string config_digest;
  std::string package_digest;
  std::map<std::string, std::uint64_t> node_serials;
};

/// Every reason the plan no longer matches `now`, in words; empty when it is fresh.
std::vector<std::string> stale_reasons(const Plan& plan, const CurrentInputs& now);
/// Ok if fresh; else an Errc::conflict error listing every reason and saying to plan again.
Status check_fresh(const Plan& plan, const CurrentInputs& now);
/// check_fresh, then the saved plan must be exactly the plan made now from the same inputs:
/// the same package key and the same steps ("the plan is stale: step N differs", naming
/// both), so an edited step never runs.
Status check_same(const Plan& saved, const Plan& now, const CurrentInputs& inputs);

} // namespace acp::plan
