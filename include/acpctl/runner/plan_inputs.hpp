#pragma once
// A saved plan also names the config and package it was made from, so that
// `acpctl apply plan.json` needs no other argument.

#include "acpctl/plan/plan.hpp"
#include "acpctl/stages/registry.hpp"
#include "acpctl/util/error.hpp"

#include <filesystem>
#include <string>

namespace acp::runner {

struct PlanFile {
  plan::Plan plan;
  std::string config;  ///< absolute path of cluster.yaml when planned; empty if unknown
  std::string package; ///< absolute path of the package; empty if unknown
};

/// Writes plan::to_json(plan) plus "inputs": {"config", "package"} atomically to `path`.
Status save_plan_file(const PlanFile& file, const std::filesystem::path& path);
/// Reads a plan file (plan::load_plan's checks) and its inputs.
/// Its steps must be of `registry`'s stages.
Result<PlanFile> load_plan_file(const std::filesystem::path& path,
                                const stages::Registry& registry);

} // namespace acp::runner
