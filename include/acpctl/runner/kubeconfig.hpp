#pragma once
// The admin kubeconfig of a cluster: the API endpoint (the VIP or the external load balancer,
// port 6443), the cluster CA and acpctl's admin client certificate from the local PKI.

#include "acpctl/config/model.hpp"
#include "acpctl/util/error.hpp"

#include <filesystem>
#include <string>

namespace acp::runner {

struct WrittenKubeconfig {
  std::filesystem::path path; ///< where it was written (mode 0600)
  std::string server;         ///< "https://VIP:6443"
};

/// Where `acpctl kubeconfig` writes by default: <cluster dir>/admin.kubeconfig.
std::filesystem::path default_kubeconfig_path(const config::Cluster& cluster);

/// Writes the admin kubeconfig to `path` (temp file, then rename; mode 0600). Reads the local
/// PKI without changing it: fails with Errc::invalid_input, naming the file, when a certificate
/// is missing or invalid (acpctl apply issues them). The file holds a private key: it is never
/// printed or logged.
Result<WrittenKubeconfig> write_admin_kubeconfig(const config::Cluster& cluster,
                                                 const std::filesystem::path& path);

} // namespace acp::runner
