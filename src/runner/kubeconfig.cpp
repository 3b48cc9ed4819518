// acpctl kubeconfig: an admin kubeconfig for the cluster's API endpoint from the local PKI.

#include "acpctl/runner/kubeconfig.hpp"

#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/util/fs.hpp"

#include <fmt/format.h>

namespace acp::runner {

std::filesystem::path default_kubeconfig_path(const config::Cluster& cluster) {
  return pki::cluster_dir(cluster) / "admin.kubeconfig";
}

Result<WrittenKubeconfig> write_admin_kubeconfig(const config::Cluster& cluster,
                                                 const std::filesystem::path& path) {
  auto server = kubernetes::api_server_url(cluster);
  if (!server)
    return std::move(server).error();
  auto pki = pki::load(cluster, pki::cluster_dir(cluster));
  if (!pki)
    return Error(std::move(pki).error())
        .context("the admin kubeconfig needs the cluster's certificates");
  kubernetes::KubeconfigInput input;
  input.cluster_name = cluster.name;
  input.server = *server;
  input.ca_pem = pki->ca_cert();
  input.client_cert_pem = pki->admin().cert;
  input.client_key_pem = pki->admin().key;
  auto text = kubernetes::render_kubeconfig(input);
  if (!text)
    return std::move(text).error();
  if (auto s = util::write_file_atomic(
          path, *text, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
      !s)
    return Error(std::move(s).error())
        .with_hint(fmt::format("choose another place with --path; {} must be writable",
                               path.parent_path().string()));
  return WrittenKubeconfig{path, *server};
}

} // namespace acp::runner
