// spec.kubernetesVersion's parser, shared by validate and the kubernetes component.

#include "acpctl/config/kubernetes.hpp"

#include <doctest/doctest.h>

using acp::config::parse_kube_version;

TEST_SUITE("config::kube_version") {
  TEST_CASE("reads vMAJOR.MINOR.PATCH, with or without the v") {
    auto v = parse_kube_version("v1.31.6");
    REQUIRE(v);
    CHECK(v->major == 1);
    CHECK(v->minor == 31);
    CHECK(v->patch == 6);
    CHECK(v->to_string() == "v1.31.6");
    CHECK(parse_kube_version("1.22.0")->to_string() == "v1.22.0");
  }

  TEST_CASE("refuses anything but three runs of digits") {
    for (const char* bad :
         {"", "v", "1.31", "v1.31.6-rc.1", "latest", "v1..3", "v1.31.x", "v1.-0.3", "v-1.31.6",
          "v+1.31.6", "v1.31.6 ", " v1.31.6", "vv1.31.6", "v99999999999.1.1"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_kube_version(bad));
    }
  }

  TEST_CASE("supports 1.x from 1.22 on") {
    using acp::config::kube_limits::supported;
    CHECK(supported(*parse_kube_version("v1.22.0")));
    CHECK(supported(*parse_kube_version("v1.34.1")));
    CHECK_FALSE(supported(*parse_kube_version("v1.21.14")));
    CHECK_FALSE(supported(*parse_kube_version("v0.31.0")));
    CHECK_FALSE(supported(*parse_kube_version("v2.0.0")));
  }
}
