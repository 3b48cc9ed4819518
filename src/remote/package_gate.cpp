#include "acpctl/remote/package_gate.hpp"

#include "acpctl/package/open.hpp"
#include "acpctl/package/trust.hpp"
#include "acpctl/pki/pki.hpp"

namespace acp::remote {

Status check_if_package(const config::Cluster& cluster, const std::filesystem::path& local,
                        const std::optional<std::filesystem::path>& key, bool insecure) {
  // A file acpctl cannot open as a package cannot be installed by it either: it is a plain
  // file to copy.
  if (!package::open_package(local))
    return {};
  auto trusted =
      package::check_package(local, {key, pki::trusted_keys_dir(cluster), insecure, ""}, true);
  if (!trusted)
    return Error(std::move(trusted).error()).context("uploading the package " + local.string());
  return {};
}

} // namespace acp::remote
