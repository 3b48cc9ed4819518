// What "ready" means per kind, judged from a live object.

#include "acpctl/kube/wait.hpp"

#include <doctest/doctest.h>

using namespace acp::kube;
using nlohmann::json;

TEST_SUITE("kube::readiness") {
  TEST_CASE("a Namespace is ready when Active") {
    CHECK(readiness(json::parse(R"({"kind":"Namespace","status":{"phase":"Active"}})")).ready);
    const auto r =
        readiness(json::parse(R"({"kind":"Namespace","status":{"phase":"Terminating"}})"));
    CHECK_FALSE(r.ready);
    CHECK(r.waiting_for == "status.phase Active (now Terminating)");
    CHECK_FALSE(readiness(json::parse(R"({"kind":"Namespace"})")).ready);
  }

  TEST_CASE("a CRD is ready when Established and NamesAccepted") {
    auto crd = json::parse(R"({"kind":"CustomResourceDefinition","status":{"conditions":[
      {"type":"NamesAccepted","status":"True"},{"type":"Established","status":"False"}]}})");
    const auto r = readiness(crd);
    CHECK_FALSE(r.ready);
    CHECK(r.waiting_for == "condition Established True (now False)");
    crd["status"]["conditions"][1]["status"] = "True";
    CHECK(readiness(crd).ready);
    crd["status"]["conditions"].erase(0);
    CHECK(readiness(crd).waiting_for == "condition NamesAccepted True (now absent)");
  }

  TEST_CASE("a Deployment is ready when its generation is seen and enough replicas are up") {
    auto d = json::parse(R"({"kind":"Deployment","metadata":{"generation":2},
      "spec":{"replicas":3},"status":{"observedGeneration":1,"availableReplicas":3}})");
    CHECK(readiness(d).waiting_for == "status.observedGeneration 2 (now 1)");
    d["status"]["observedGeneration"] = 2;
    CHECK(readiness(d).ready);
    d["status"]["availableReplicas"] = 2;
    CHECK(readiness(d).waiting_for == "status.availableReplicas 3 (now 2)");
    d["spec"].erase("replicas"); // defaults to 1
    CHECK(readiness(d).ready);
  }

  TEST_CASE("a DaemonSet is ready when every scheduled pod is ready") {
    auto ds = json::parse(R"({"kind":"DaemonSet","metadata":{"generation":1},
      "status":{"observedGeneration":1,"desiredNumberScheduled":3,"numberReady":2}})");
    CHECK_FALSE(readiness(ds).ready);
    ds["status"]["numberReady"] = 3;
    CHECK(readiness(ds).ready);
    ds["status"].erase("desiredNumberScheduled");
    CHECK_FALSE(readiness(ds).ready);
  }

  TEST_CASE("other kinds are ready once they exist") {
    CHECK(readiness(json::parse(R"({"kind":"ConfigMap"})")).ready);
    CHECK(readiness(json::parse(R"({"kind":"ClusterRole"})")).ready);
  }
}
