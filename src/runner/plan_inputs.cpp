// The plan file's "inputs" block; plan::from_json ignores keys it does not know.

#include "acpctl/runner/plan_inputs.hpp"

#include "acpctl/plan/plan_file.hpp"
#include "acpctl/util/fs.hpp"

namespace acp::runner {

Status save_plan_file(const PlanFile& file, const std::filesystem::path& path) {
  auto doc = plan::to_json(file.plan);
  doc["inputs"] = {{"config", file.config}, {"package", file.package}};
  return plan::save_plan_doc(std::move(doc), path);
}

Result<PlanFile> load_plan_file(const std::filesystem::path& path,
                                const stages::Registry& registry) {
  auto p = plan::load_plan(path, registry.stages());
  if (!p)
    return std::move(p).error();
  PlanFile out{std::move(*p), "", ""};
  auto text = util::read_file(path);
  if (!text)
    return std::move(text).error();
  const auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_object() && doc.contains("inputs") && doc["inputs"].is_object()) {
    out.config = doc["inputs"].value("config", "");
    out.package = doc["inputs"].value("package", "");
  }
  return out;
}

} // namespace acp::runner
