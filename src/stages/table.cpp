// The apply half of every stage, by name, in plan::stages() order.

#include "acpctl/stages/platform.hpp"
#include "acpctl/util/hash.hpp"

#include <array>
#include <fmt/format.h>

namespace acp::stages {

std::span<const StageApply> stage_table() {
  static constexpr std::array<StageApply, 6> k_table{{
      {"distribute", &apply_distribute, nullptr},
      {"pki", &apply_pki, &render_pki},
      {"etcd", &apply_etcd, &render_etcd},
      {"keepalived", &apply_keepalived, &render_keepalived},
      {"services", &apply_services, nullptr},
      {"prune", &apply_prune, nullptr},
  }};
  return k_table;
}

StepApplier applier_for(std::string_view stage) {
  for (const auto& row : stage_table())
    if (row.name == stage)
      return row.apply;
  return nullptr;
}

std::vector<plan::FileDigest> digests_of(const std::vector<service::FileToWrite>& files) {
  std::vector<plan::FileDigest> out;
  for (const auto& f : files)
    out.push_back({f.path, util::sha256_hex(f.content), static_cast<unsigned>(f.mode)});
  return out;
}

Result<plan::PlatformInput> platform_input(const PlatformSource& source) {
  plan::PlatformInput out;
  for (const auto& row : stage_table()) {
    if (!row.render)
      continue;
    for (const auto& node : source.cluster.nodes) {
      auto files = row.render(source, node);
      if (!files)
        return Error(std::move(files).error())
            .with_host(node.name)
            .context(fmt::format("rendering the {} stage's files", row.name));
      if (!files->empty())
        out.files[node.name][std::string(row.name)] = digests_of(*files);
    }
  }
  return out;
}

} // namespace acp::stages
