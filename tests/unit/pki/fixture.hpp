#pragma once
// Shared by the pki tests: the init example as a cluster, and file helpers.

#include "acpctl/config/load.hpp"
#include "acpctl/util/fs.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <string>
#include <sys/stat.h>

namespace acp::pki::test {

/// The `acpctl init` example: 3 etcd nodes cp-1..cp-3 (192.168.10.11-13), VIP 192.168.10.100.
inline config::Cluster example_cluster() {
  auto r = config::load_text(config::example_config(), "cluster.yaml");
  REQUIRE(r.ok());
  return *r.cluster;
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

} // namespace acp::pki::test
