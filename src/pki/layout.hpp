#pragma once
// Private to pki: which certificates a config needs, what each must say, and where each lives
// in the cluster directory.

#include "x509.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace acp::pki::detail {

inline constexpr int k_ca_days = 3650;  ///< a generated CA: 10 years
inline constexpr int k_leaf_days = 365; ///< every leaf certificate: 1 year
inline constexpr int k_renew_days = 30; ///< ensure re-issues a leaf this close to expiry
/// Leaves start a little in the past, so a node whose clock lags accepts them at once.
inline constexpr std::chrono::hours k_backdate{1};

inline constexpr const char* k_ca_name = "ca";
inline constexpr const char* k_healthcheck_name = "etcd/healthcheck-client";
inline constexpr const char* k_admin_name = "admin";

/// One leaf certificate the config needs.
struct Leaf {
  std::string name; ///< "etcd/cp-1-server": the files are <name>.crt and <name>.key
  std::string node; ///< the node it is for; empty if shared
  CertSpec spec;
};

/// <dir>/pki
std::filesystem::path pki_dir(const std::filesystem::path& dir);
/// <dir>/pki/<name>.crt and <dir>/pki/<name>.key
std::filesystem::path cert_path(const std::filesystem::path& dir, const std::string& name);
std::filesystem::path key_path(const std::filesystem::path& dir, const std::string& name);

/// The generated CA's subject: CN "<cluster>-ca", O "acpctl".
Subject ca_subject(const config::Cluster& cluster);
/// Every leaf the config needs, in a stable order: per etcd node (config order) server then
/// peer, then the health-check client, then admin.
std::vector<Leaf> wanted_leaves(const config::Cluster& cluster);
/// The local name of `node`'s server / peer certificate.
std::string server_name(const std::string& node);
std::string peer_name(const std::string& node);
/// Registry server certificates: "registry/<node>-server", one per control-plane node when
/// the config has spec.registry.
inline constexpr std::string_view k_registry_prefix = "registry/";
std::string registry_name(const std::string& node);
std::vector<std::string> registry_sans(const config::Cluster& cluster, const config::Node& node);

} // namespace acp::pki::detail
