#pragma once
// Shared by the pki tests: the init example as a cluster, and file helpers.

#include "acpctl/config/load.hpp"
#include "acpctl/util/fs.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <map>
#include <string>
#include <sys/stat.h>

namespace acp::pki::test {

/// The `acpctl init` example: 3 etcd nodes cp-1..cp-3 (192.168.10.11-13), VIP 192.168.10.100,
/// service CIDR 10.4.0.0/16. Without `kubernetes` its kubernetesVersion is cleared: the
/// etcd/registry PKI alone, exactly as it was before Kubernetes' certificates.
inline config::Cluster example_cluster(bool kubernetes = false) {
  auto r = config::load_text(config::example_config(), "cluster.yaml");
  REQUIRE(r.ok());
  auto cluster = *r.cluster;
  REQUIRE(cluster.kubernetes_version == "v1.31.6");
  if (!kubernetes)
    cluster.kubernetes_version.clear();
  return cluster;
}

inline std::string slurp(const std::filesystem::path& path) {
  auto text = util::read_file(path);
  REQUIRE_MESSAGE(text.ok(), path.string());
  return *text;
}

inline unsigned mode_of(const std::filesystem::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

/// Every file under <dir>/pki (relative to dir) with its bytes.
inline std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "pki"))
    if (e.is_regular_file())
      out[std::filesystem::relative(e.path(), dir).string()] = slurp(e.path());
  return out;
}

} // namespace acp::pki::test
