#include "acpctl/config/load.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using acp::config::node_dir_problem;

TEST_SUITE("config::node_dir") {
  TEST_CASE("accepts plain absolute directories at least two levels deep") {
    for (const char* ok : {"/var/lib/etcd", "/data/etcd", "/cpaas/backup/etcd", "/srv/etcd-1.2_x+y",
                           "/var/lib/etcd/member-data"})
      CHECK_MESSAGE(node_dir_problem(ok).empty(), ok);
  }

  TEST_CASE("refuses / and system directories") {
    for (const char* bad : {"/", "/etc", "/usr", "/var", "/var/lib", "/opt", "/srv", "/tmp",
                            "/home", "/root", "/boot", "/lib64"}) {
      CAPTURE(bad);
      CHECK(node_dir_problem(bad).find("system directory") != std::string::npos);
    }
    CHECK(node_dir_problem("/data").find("two levels") != std::string::npos);
  }

  TEST_CASE("refuses relative, unnormalised and trailing-slash paths") {
    for (const char* bad : {"var/lib/etcd", "/var/lib/etcd/../../../usr", "/var/lib/./etcd",
                            "/var//lib/etcd", "/var/lib/etcd/", "/var/lib/.."}) {
      CAPTURE(bad);
      CHECK_FALSE(node_dir_problem(bad).empty());
    }
  }

  TEST_CASE("refuses shell metacharacters, spaces, control characters and a leading -") {
    for (const std::string& bad : std::vector<std::string>{
             "/var/lib/etcd;rm -rf /", "/var/lib/$(reboot)", "/var/lib/etcd\nx", "/var/lib/e tcd",
             "/var/lib/`id`", "/var/lib/etcd\"", "/var/lib/*", "/var/lib/-rf",
             std::string("/a/b\0c", 6)}) {
      CAPTURE(bad);
      CHECK_FALSE(node_dir_problem(bad).empty());
    }
    CHECK_FALSE(node_dir_problem("/var/lib/" + std::string(5000, 'a')).empty());
  }
}
