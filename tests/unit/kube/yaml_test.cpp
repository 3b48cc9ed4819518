// YAML to JSON by the YAML 1.2 core schema, and the errors of a manifest stream.

#include "acpctl/kube/manifests.hpp"

#include <doctest/doctest.h>

using namespace acp;
using namespace acp::kube;
using nlohmann::json;

namespace {

// The `data` mapping of a ConfigMap holding `body`.
json data_of(const std::string& body) {
  const std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n" + body;
  auto docs = parse_manifests(text, "t.yaml");
  REQUIRE_MESSAGE(docs.ok(), docs.error().describe());
  REQUIRE(docs->size() == 1);
  return (*docs)[0]["data"];
}

Error failure(const std::string& text) {
  auto docs = parse_manifests(text, "m/bad.yaml");
  REQUIRE_FALSE(docs.ok());
  return docs.error();
}

} // namespace

TEST_SUITE("kube::yaml") {
  TEST_CASE("quoted scalars stay strings; plain ones are typed by the core schema") {
    const json d = data_of("  q: \"1234\"\n  s: '3'\n  i: 3\n  neg: -42\n  b: true\n"
                           "  B: False\n  f: 1.5\n  e: 1e3\n  n: null\n  t: ~\n  e2:\n"
                           "  word: hello\n  yes: yes\n  on: on\n  hex: 0x1F\n  oct: 0o17\n");
    CHECK(d["q"] == json("1234"));
    CHECK(d["s"] == json("3"));
    CHECK(d["i"].is_number_integer());
    CHECK(d["i"] == 3);
    CHECK(d["neg"] == -42);
    CHECK(d["b"] == json(true));
    CHECK(d["B"] == json(false));
    CHECK(d["f"].is_number_float());
    CHECK(d["f"] == 1.5);
    CHECK(d["e"] == 1000.0);
    CHECK(d["n"].is_null());
    CHECK(d["t"].is_null());
    CHECK(d["e2"].is_null());
    CHECK(d["word"] == json("hello"));
    CHECK(d["yes"] == json("yes")); // YAML 1.1's booleans are strings in 1.2
    CHECK(d["on"] == json("on"));
    CHECK(d["hex"] == 31);
    CHECK(d["oct"] == 15);
  }

  TEST_CASE("block scalars and explicit tags") {
    const json d = data_of("  lit: |\n    123\n  str: !!str 42\n  int: !!int \"7\"\n"
                           "  big: 18446744073709551615\n  list: [1, \"2\", x]\n");
    CHECK(d["lit"] == json("123\n"));
    CHECK(d["str"] == json("42"));
    CHECK(d["int"] == 7); // an explicit tag wins over the quotes, as YAML says
    CHECK(d["big"].is_number_unsigned());
    CHECK(d["list"] == json::parse(R"([1, "2", "x"])"));
  }

  TEST_CASE("several documents; empty ones are skipped") {
    auto docs = parse_manifests("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"
                                "---\n# nothing\n---\napiVersion: v1\nkind: Namespace\n"
                                "metadata: {name: b}\n---\n",
                                "x.yaml");
    REQUIRE(docs.ok());
    REQUIRE(docs->size() == 2);
    CHECK((*docs)[1]["metadata"]["name"] == "b");
  }

  TEST_CASE("errors name the file and the line") {
    const auto broken = failure("apiVersion: v1\nkind: [\n");
    CHECK(broken.code() == Errc::invalid_input);
    CHECK(broken.location().file == "m/bad.yaml");
    CHECK(broken.location().line >= 2);

    const auto dup = failure("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
                             "kind: Secret\n");
    CHECK(dup.message().find("duplicate key \"kind\"") != std::string::npos);
    CHECK(dup.location().line == 5);

    const auto not_object = failure("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"
                                    "---\napiVersion: v1\nkind: ConfigMap\n");
    CHECK(not_object.message().find("document 2") != std::string::npos);
    CHECK(not_object.location().line == 5);
    CHECK(not_object.describe().find("m/bad.yaml:5") != std::string::npos);

    const auto name_int = failure("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 1234\n");
    CHECK(name_int.message().find("metadata.name") != std::string::npos);

    const auto inf = failure("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
                             "data:\n  x: .inf\n");
    CHECK(inf.location().line == 6);
    CHECK(inf.message().find("JSON") != std::string::npos);
  }
}
