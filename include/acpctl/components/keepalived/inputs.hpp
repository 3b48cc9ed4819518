#pragma once
// The two inputs of keepalived.conf that are not plain config values: the interface the VIP
// lives on (from facts when the config names none) and the VRRP password (a secret).

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/util/error.hpp"

#include <filesystem>
#include <string>

namespace acp::keepalived {

/// The interface for the VIP on `node`: selfBuiltVIP.interface if set, else the interface
/// that holds the node's address in `facts`. Fails with Errc::invalid_input naming the node
/// when neither says.
Result<std::string> interface_for(const config::Cluster& cluster, const config::Node& node,
                                  const facts::HostFacts& facts);

/// The VRRP PASS password: selfBuiltVIP.authPassword resolved, or, when it is not set, the
/// one kept in `cluster_dir`/keepalived-auth (8 random characters, mode 0600, created on
/// first use so every apply of the cluster uses the same). Registers it with
/// log::add_secret. Fails naming the secret's source if it cannot be read or is unusable
/// (check_auth_password).
Result<std::string> auth_password(const config::Cluster& cluster,
                                  const std::filesystem::path& cluster_dir);

/// A random value kept in `cluster_dir`/keepalived-salt (43 letters and digits, about 256
/// bits, mode 0600), written into keepalived.conf as a comment. Plans carry the sha256 of
/// every file a stage writes; without the salt that sha256 would let anyone holding a plan
/// guess an 8-character password offline. Registered with log::add_secret.
Result<std::string> digest_salt(const std::filesystem::path& cluster_dir);

} // namespace acp::keepalived
