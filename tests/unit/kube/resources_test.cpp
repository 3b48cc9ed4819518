// Objects to URL paths: built-in kinds (core and grouped, namespaced and cluster-scoped),
// kinds learned from CRDs, and what is refused before any request.

#include "acpctl/kube/api.hpp"
#include "acpctl/kube/resources.hpp"

#include <doctest/doctest.h>

using namespace acp;
using namespace acp::kube;
using nlohmann::json;

namespace {

json object(std::string api_version, std::string kind, std::string name, std::string ns = "") {
  json o{{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (!ns.empty())
    o["metadata"]["namespace"] = ns;
  return o;
}

std::string path_of(const json& o, const KindTable& kinds = KindTable()) {
  auto ref = object_ref(o, kinds);
  REQUIRE_MESSAGE(ref.ok(), ref.error().describe());
  return ref->path;
}

json crd(std::string group, std::string kind, std::string plural, std::string scope) {
  return {{"apiVersion", "apiextensions.k8s.io/v1"},
          {"kind", "CustomResourceDefinition"},
          {"metadata", {{"name", plural + "." + group}}},
          {"spec",
           {{"group", group}, {"scope", scope}, {"names", {{"kind", kind}, {"plural", plural}}}}}};
}

} // namespace

TEST_SUITE("kube::resources") {
  TEST_CASE("core kinds live under /api/v1, namespaced ones in their namespace") {
    CHECK(path_of(object("v1", "Namespace", "cpaas-system")) == "/api/v1/namespaces/cpaas-system");
    CHECK(path_of(object("v1", "Node", "n1")) == "/api/v1/nodes/n1");
    CHECK(path_of(object("v1", "ConfigMap", "c", "cpaas-system")) ==
          "/api/v1/namespaces/cpaas-system/configmaps/c");
    CHECK(path_of(object("v1", "Secret", "s", "ns")) == "/api/v1/namespaces/ns/secrets/s");
    CHECK(path_of(object("v1", "ServiceAccount", "sa", "ns")) ==
          "/api/v1/namespaces/ns/serviceaccounts/sa");
    CHECK(path_of(object("v1", "Service", "svc", "ns")) == "/api/v1/namespaces/ns/services/svc");
  }

  TEST_CASE("grouped kinds live under /apis/GROUP/VERSION") {
    CHECK(path_of(object("apiextensions.k8s.io/v1", "CustomResourceDefinition", "a.b.c")) ==
          "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/a.b.c");
    CHECK(path_of(object("rbac.authorization.k8s.io/v1", "ClusterRole", "cpaas:catalog-reader")) ==
          "/apis/rbac.authorization.k8s.io/v1/clusterroles/cpaas:catalog-reader");
    CHECK(path_of(object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "b")) ==
          "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/b");
    CHECK(path_of(object("rbac.authorization.k8s.io/v1", "Role", "r", "ns")) ==
          "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/roles/r");
    CHECK(path_of(object("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", "ns")) ==
          "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/rolebindings/rb");
    CHECK(path_of(object("apps/v1", "Deployment", "d", "ns")) ==
          "/apis/apps/v1/namespaces/ns/deployments/d");
    CHECK(path_of(object("apps/v1", "DaemonSet", "ds", "ns")) ==
          "/apis/apps/v1/namespaces/ns/daemonsets/ds");
  }

  TEST_CASE("a namespaced object without a namespace goes to default; a cluster one ignores it") {
    CHECK(path_of(object("v1", "ConfigMap", "c")) == "/api/v1/namespaces/default/configmaps/c");
    CHECK(path_of(object("v1", "Namespace", "x", "ignored")) == "/api/v1/namespaces/x");
    auto ref = object_ref(object("apps/v1", "Deployment", "d", "ns"), KindTable());
    REQUIRE(ref.ok());
    CHECK(ref->collection == "/apis/apps/v1/namespaces/ns/deployments");
    CHECK(describe(*ref) == "Deployment ns/d");
  }

  TEST_CASE("custom resources take plural and scope from the CRDs in the batch") {
    KindTable kinds;
    const std::vector<json> batch{crd("app.alauda.io", "Artifact", "artifacts", "Namespaced"),
                                  crd("cluster.alauda.io", "ModuleInfo", "moduleinfos", "Cluster"),
                                  object("v1", "ConfigMap", "not-a-crd", "x")};
    REQUIRE(kinds.learn_crds(batch).ok());
    CHECK(path_of(object("app.alauda.io/v1alpha1", "Artifact", "a", "cpaas-system"), kinds) ==
          "/apis/app.alauda.io/v1alpha1/namespaces/cpaas-system/artifacts/a");
    CHECK(path_of(object("cluster.alauda.io/v1alpha1", "ModuleInfo", "m", "x"), kinds) ==
          "/apis/cluster.alauda.io/v1alpha1/moduleinfos/m");
  }

  TEST_CASE("an unknown kind is refused naming it and how to make it known") {
    auto ref = object_ref(object("example.com/v1", "Widget", "w"), KindTable());
    REQUIRE_FALSE(ref.ok());
    CHECK(ref.error().code() == Errc::invalid_input);
    CHECK(ref.error().message().find("\"Widget\"") != std::string::npos);
    CHECK(ref.error().message().find("example.com") != std::string::npos);
    CHECK(ref.error().hint().find("CustomResourceDefinition") != std::string::npos);
    // A kind of the wrong group is not the built-in one.
    CHECK_FALSE(object_ref(object("example.com/v1", "ConfigMap", "c"), KindTable()).ok());
  }

  TEST_CASE("a CRD without names or with a bad scope is refused naming it") {
    KindTable kinds;
    auto bad = crd("g.io", "K", "ks", "Everywhere");
    auto st = kinds.learn_crd(bad);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().message().find("ks.g.io") != std::string::npos);
    bad["spec"]["names"].erase("plural");
    CHECK_FALSE(kinds.learn_crd(bad).ok());
  }

  TEST_CASE("names that would leave their path segment are refused") {
    for (const char* name : {"a/b", "..", ".", "a b", "x%2F", ""})
      CHECK_FALSE(object_ref(object("v1", "ConfigMap", name, "ns"), KindTable()).ok());
    CHECK_FALSE(object_ref(object("v1", "ConfigMap", "c", "../x"), KindTable()).ok());
    CHECK_FALSE(object_ref(json{{"kind", "ConfigMap"}}, KindTable()).ok());
    CHECK_FALSE(object_ref(json::array(), KindTable()).ok());
  }

  TEST_CASE("query values are percent-encoded") {
    CHECK(url_escape("spec.nodeName=n1") == "spec.nodeName%3Dn1");
    CHECK(url_escape("a b&c") == "a%20b%26c");
    CHECK(url_escape("acpctl") == "acpctl");
  }

  TEST_CASE("the server's host for errors; a target that is no https URL fails before a request") {
    ApiTarget t;
    t.server = "https://10.0.0.10:6443";
    CHECK(host_of(t) == "10.0.0.10");
    CHECK(describe(t) == "API server https://10.0.0.10:6443");
    t.server = "https://[fd00::10]:6443/";
    CHECK(host_of(t) == "fd00::10");
    t.server = "http://10.0.0.10:6443";
    CHECK(host_of(t) == "");
    auto health = readyz(t);
    REQUIRE_FALSE(health.ok());
    CHECK(health.error().code() == Errc::invalid_input);
    CHECK(health.error().message().find("http://10.0.0.10:6443") != std::string::npos);
    t.server = "https://127.0.0.1:1";
    auto no_ca = readyz(t);
    REQUIRE_FALSE(no_ca.ok());
    CHECK(no_ca.error().message().find("no CA certificate") != std::string::npos);
    CHECK(no_ca.error().host() == "127.0.0.1");
  }
}
