#include "acpctl/config/load.hpp"
#include "cli/node_select.hpp"

#include <doctest/doctest.h>

using namespace acp;

TEST_SUITE("cli::select_nodes") {
  const auto cluster = [] {
    auto r = config::load_text(config::example_config(), "cluster.yaml");
    REQUIRE(r.ok());
    return *r.cluster;
  };

  TEST_CASE("selects named nodes in file order, by role, or all") {
    const auto c = cluster();
    auto named = cli::select_nodes(c, {"cp-3", "cp-1"}, "").take();
    REQUIRE(named.size() == 2);
    CHECK(named[0]->name == "cp-1");
    CHECK(named[1]->name == "cp-3");
    CHECK(cli::select_nodes(c, {}, "etcd").take().size() == 3);
    CHECK(cli::select_nodes(c, {}, "").take().size() == 3);
  }

  TEST_CASE("names an unknown node, suggests the closest and lists the valid ones") {
    auto r = cli::select_nodes(cluster(), {"cp-1", "cp-4"}, "");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == Errc::usage);
    CHECK(r.error().message().find("unknown node \"cp-4\"") != std::string::npos);
    CHECK(r.error().message().find("cp-1, cp-2, cp-3") != std::string::npos);
  }

  TEST_CASE("refuses an unknown role and a role no node has") {
    auto unknown = cli::select_nodes(cluster(), {}, "master");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().message().find("control-plane, etcd, worker, ingress") !=
          std::string::npos);
    auto empty = cli::select_nodes(cluster(), {}, "worker");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().message().find("no node") != std::string::npos);
  }
}
