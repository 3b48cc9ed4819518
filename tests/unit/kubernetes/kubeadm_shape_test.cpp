// Rendered documents against the upstream references recorded under fixtures/: the same
// apiVersion and kind as upstream's examples, and no field the upstream type does not have.

#include "fixtures.hpp"

#include <fmt/ranges.h>
#include <set>
#include <utility>

using namespace acp::kubernetes;
using namespace kubernetes_fixtures;

namespace {

using Kinds = std::set<std::pair<std::string, std::string>>;

Kinds kinds_of(const std::vector<YAML::Node>& docs) {
  Kinds out;
  for (const auto& d : docs)
    out.insert({d["apiVersion"].as<std::string>(), d["kind"].as<std::string>()});
  return out;
}

std::vector<YAML::Node> every_rendered(const std::string& version) {
  Shape s;
  s.version = version;
  s.workers = 1;
  const auto c = cluster(s);
  std::vector<YAML::Node> out;
  for (const char* node : {"cp-1", "cp-2", "w-1"})
    for (const auto& d : render(c, node))
      out.push_back(d);
  return out;
}

} // namespace

TEST_SUITE("kubernetes::upstream_shape") {
  TEST_CASE("the recorded upstream examples fit the recorded field tables") {
    for (const char* file :
         {"v1beta3-init-example.yaml", "v1beta4-init-example.yaml", "v1beta4-join-example.yaml"}) {
      CAPTURE(file);
      for (const auto& doc : YAML::LoadAll(read_fixture(file))) {
        const auto unknown = unknown_fields(doc);
        if (std::string(file) == "v1beta4-init-example.yaml" &&
            doc["kind"].as<std::string>() == "InitConfiguration")
          // upstream's example misspells kubernetesAPICall; the type table has it right.
          CHECK(unknown == std::vector<std::string>{"timeouts.kubenetesAPICall"});
        else
          CHECK_MESSAGE(unknown.empty(), fmt::format("{}", fmt::join(unknown, ", ")));
      }
    }
  }

  TEST_CASE("init documents have the apiVersion and kind of upstream's init example") {
    for (const auto& [version, example] : {std::pair{"v1.30.4", "v1beta3-init-example.yaml"},
                                           std::pair{"v1.31.6", "v1beta4-init-example.yaml"}}) {
      CAPTURE(version);
      const auto upstream = kinds_of(YAML::LoadAll(read_fixture(example)));
      for (const auto& kind : kinds_of(render(cluster({3, 1, version}), "cp-1")))
        CHECK_MESSAGE(upstream.count(kind) == 1, kind.first << " " << kind.second);
    }
  }

  TEST_CASE("join documents have the apiVersion and kind of upstream's join example") {
    const auto upstream = kinds_of(YAML::LoadAll(read_fixture("v1beta4-join-example.yaml")));
    const auto c = cluster();
    CHECK(kinds_of(render(c, "cp-2")) == upstream);
    CHECK(kinds_of(render(c, "w-1")) == upstream);
    // v1beta3's page shows no join example: the same kind in its group version.
    const auto old = cluster({3, 1, "v1.29.0"});
    CHECK(kinds_of(render(old, "w-1")) == Kinds{{"kubeadm.k8s.io/v1beta3", "JoinConfiguration"}});
  }

  TEST_CASE("every rendered field is a field of the upstream type, in both APIs") {
    for (const char* version : {"v1.22.0", "v1.26.3", "v1.30.4", "v1.31.6", "v1.33.1"}) {
      CAPTURE(version);
      for (const auto& doc : every_rendered(version)) {
        const auto unknown = unknown_fields(doc);
        CHECK_MESSAGE(unknown.empty(), doc["kind"].as<std::string>()
                                           << ": " << fmt::format("{}", fmt::join(unknown, ", ")));
      }
    }
  }

  TEST_CASE("a field of the other API version is caught") {
    // The check itself: v1beta3's timeout field is not a v1beta4 field, and v1beta4's list
    // form of extraArgs is not v1beta3's map.
    auto v4 = render(cluster(), "cp-1")[1];
    v4["apiServer"]["timeoutForControlPlane"] = "4m0s";
    CHECK(unknown_fields(v4) == std::vector<std::string>{"apiServer.timeoutForControlPlane"});
    auto v3 = render(cluster({3, 1, "v1.30.0"}), "cp-1")[0];
    v3["timeouts"]["discovery"] = "5m0s";
    CHECK(unknown_fields(v3) == std::vector<std::string>{"timeouts"});
  }
}
