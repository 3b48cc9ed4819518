#pragma once
// The plan file (`acpctl plan --out plan.json`) and the staleness check `acpctl apply` makes
// before it executes one.

#include "acpctl/plan/plan.hpp"
#include "acpctl/util/error.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acp::plan {

nlohmann::json to_json(const Plan& plan);
/// Reads a plan document; `source` names it in errors (Errc::invalid_input).
Result<Plan> from_json(const nlohmann::json& doc, const std::string& source);

/// Writes the plan atomically (temp file, then rename).
Status save_plan(const Plan& plan, const std::filesystem::path& path);
/// Reads a plan file; fails naming the file if it is missing, not JSON, not a plan, or from
/// a newer acpctl.
Result<Plan> load_plan(const std::filesystem::path& path);

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

} // namespace acp::plan
