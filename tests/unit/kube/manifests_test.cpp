// Manifests from a directory: sorted files, errors naming the file, and the core manifests
// acpctl ships (every file loads, every CRD is structural).

#include "acpctl/kube/manifests.hpp"
#include "acpctl/kube/resources.hpp"
#include "acpctl/util/fs.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <set>

using namespace acp;
using namespace acp::kube;
using nlohmann::json;

namespace {

const std::filesystem::path k_core = std::filesystem::path(ACPCTL_SOURCE_DIR) / "manifests/core";

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

// Every problem that makes `schema` (a node of an openAPIV3Schema) not structural: each node
// has a type, or keeps unknown fields, or is int-or-string.
void structural_problems(const json& schema, const std::string& at,
                         std::vector<std::string>& problems) {
  if (!schema.is_object()) {
    problems.push_back(at + ": not an object");
    return;
  }
  const bool typed = schema.contains("type") && schema["type"].is_string();
  const bool open = schema.value("x-kubernetes-preserve-unknown-fields", false) ||
                    schema.value("x-kubernetes-int-or-string", false);
  if (!typed && !open)
    problems.push_back(at + ": no type");
  if (schema.contains("properties"))
    for (const auto& [name, sub] : schema["properties"].items())
      structural_problems(sub, at + ".properties." + name, problems);
  if (schema.contains("items"))
    structural_problems(schema["items"], at + ".items", problems);
  if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object())
    structural_problems(schema["additionalProperties"], at + ".additionalProperties", problems);
}

} // namespace

TEST_SUITE("kube::manifests") {
  TEST_CASE("every core manifest loads and maps to a resource") {
    auto objects = load_manifests(k_core);
    REQUIRE_MESSAGE(objects.ok(), objects.error().describe());
    KindTable kinds;
    REQUIRE(kinds.learn_crds(*objects).ok());
    std::set<std::string> names;
    for (const auto& o : *objects) {
      auto ref = object_ref(o, kinds);
      REQUIRE_MESSAGE(ref.ok(), ref.error().describe());
      names.insert(describe(*ref));
    }
    CHECK(names.count("Namespace cpaas-system") == 1);
    for (const char* crd : {"artifacts.app.alauda.io", "artifactversions.app.alauda.io",
                            "moduleplugins.cluster.alauda.io", "moduleconfigs.cluster.alauda.io",
                            "moduleinfos.cluster.alauda.io"})
      CHECK(names.count(std::string("CustomResourceDefinition ") + crd) == 1);
    CHECK((*objects)[0]["metadata"]["labels"]["cpaas.io/managed-by"] == "acpctl");
    CHECK(kinds.find("app.alauda.io", "ArtifactVersion")->namespaced);
    CHECK_FALSE(kinds.find("cluster.alauda.io", "ModuleInfo")->namespaced);
  }

  TEST_CASE("every core CRD is a structural apiextensions.k8s.io/v1 schema with columns") {
    auto objects = load_manifests(k_core);
    REQUIRE(objects.ok());
    int crds = 0;
    for (const auto& o : *objects) {
      if (o["kind"] != "CustomResourceDefinition")
        continue;
      ++crds;
      CAPTURE(o["metadata"]["name"].get<std::string>());
      CHECK(o["apiVersion"] == "apiextensions.k8s.io/v1");
      CHECK(o["metadata"]["name"] == o["spec"]["names"]["plural"].get<std::string>() + "." +
                                         o["spec"]["group"].get<std::string>());
      for (const auto& version : o["spec"]["versions"]) {
        CHECK(version["name"] == "v1alpha1");
        const auto& schema = version["schema"]["openAPIV3Schema"];
        CHECK(schema["type"] == "object");
        std::vector<std::string> problems;
        structural_problems(schema, "openAPIV3Schema", problems);
        CHECK_MESSAGE(problems.empty(), problems.front());
        CHECK(version["additionalPrinterColumns"].size() >= 2);
        for (const auto& column : version["additionalPrinterColumns"])
          CHECK(column["jsonPath"].get<std::string>().starts_with("."));
      }
    }
    CHECK(crds == 5);
  }

  TEST_CASE("files are read in sorted name order; only *.yaml") {
    util::TempDir dir;
    write(dir.path() / "20-b.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n");
    write(dir.path() / "10-a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
    write(dir.path() / "README.md", "not yaml: [");
    write(dir.path() / "30-c.yml", "not read: [");
    auto objects = load_manifests(dir.path());
    REQUIRE_MESSAGE(objects.ok(), objects.error().describe());
    REQUIRE(objects->size() == 2);
    CHECK((*objects)[0]["metadata"]["name"] == "a");
    CHECK((*objects)[1]["metadata"]["name"] == "b");
  }

  TEST_CASE("a broken file is named with its line; a missing directory is named") {
    util::TempDir dir;
    write(dir.path() / "10-ok.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
    write(dir.path() / "20-bad.yaml",
          "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: ConfigMap\n");
    auto objects = load_manifests(dir.path());
    REQUIRE_FALSE(objects.ok());
    CHECK(objects.error().location().file == (dir.path() / "20-bad.yaml").string());
    CHECK(objects.error().location().line == 5);
    CHECK(objects.error().message().find("document 2") != std::string::npos);

    auto missing = load_manifests(dir.path() / "nope");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code() == Errc::io);
    CHECK(missing.error().message().find("nope") != std::string::npos);
  }
}
