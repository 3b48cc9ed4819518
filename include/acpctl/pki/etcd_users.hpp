#pragma once
// The common names of the client certificates acpctl issues for etcd. With etcd's
// authorization on (stage etcd-auth), etcd takes a client certificate's CN as its user name:
// these three are users with the root role, and every other certificate of the cluster CA
// (kubelets', registry pull clients', etcd's own peer certificates) is refused.

#include <array>
#include <string_view>

namespace acp::pki {

inline constexpr std::string_view k_etcd_healthcheck_cn = "acp-etcd-healthcheck-client";
inline constexpr std::string_view k_admin_cn = "acpctl-admin";
inline constexpr std::string_view k_apiserver_etcd_client_cn = "kube-apiserver-etcd-client";

/// etcd's users, root first (etcd refuses to turn authorization on without it).
inline constexpr std::array<std::string_view, 4> k_etcd_users{
    "root", k_etcd_healthcheck_cn, k_admin_cn, k_apiserver_etcd_client_cn};

} // namespace acp::pki
