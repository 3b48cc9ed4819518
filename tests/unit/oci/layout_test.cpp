// Image layouts opened whole: index.json -> manifests (and indexes) -> blobs, every manifest's
// bytes against its digest, every blob present with its size; corrupted layers found on demand.

#include "acpctl/oci/layout.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>

using namespace acp;
using namespace acp::oci;

namespace {

// A scratch layout, written blob by blob.
struct Scratch {
  util::TempDir dir{"acpctl-oci-layout-test"};

  Scratch() {
    std::filesystem::create_directories(dir.path() / "blobs" / "sha256");
    write("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  }
  void write(const std::string& name, std::string_view bytes) const {
    std::ofstream(dir.path() / name, std::ios::binary) << bytes;
  }
  std::string put(std::string_view bytes) const {
    const std::string hex = util::sha256_hex(bytes);
    write("blobs/sha256/" + hex, bytes);
    return "sha256:" + hex;
  }
  void index(const std::string& media, const std::string& digest, std::size_t size) const {
    write("index.json",
          fmt::format(R"({{"schemaVersion":2,"manifests":[{{"mediaType":"{}","digest":"{}",)"
                      R"("size":{},"annotations":{{"{}":"v1"}}}}]}})",
                      media, digest, size, k_ref_name));
  }
  Layout open() const {
    auto layout = Layout::open(dir.path());
    REQUIRE_MESSAGE(layout.ok(), (layout.ok() ? "" : layout.error().describe()));
    return std::move(layout).take();
  }
  Error refusal() const {
    auto layout = Layout::open(dir.path());
    REQUIRE_FALSE(layout.ok());
    return layout.error();
  }
};

std::string descriptor(std::string_view media, const std::string& digest, std::size_t size) {
  return fmt::format(R"({{"mediaType":"{}","digest":"{}","size":{}}})", media, digest, size);
}

// An image manifest over a config and one layer; returns its bytes.
std::string image(const Scratch& s, std::string_view layer, std::string* layer_digest = nullptr) {
  const std::string config = R"({"architecture":"amd64","os":"linux"})";
  const std::string layer_d = s.put(layer);
  if (layer_digest != nullptr)
    *layer_digest = layer_d;
  return fmt::format(
      R"({{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[{}]}})", k_oci_manifest,
      descriptor("application/vnd.oci.image.config.v1+json", s.put(config), config.size()),
      descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer_d, layer.size()));
}

} // namespace

TEST_SUITE("oci::layout") {
  TEST_CASE("index.json -> manifest -> config and layers, the manifest's bytes kept") {
    Scratch s;
    const std::string m = image(s, "layer one");
    const std::string digest = s.put(m);
    s.index(std::string(k_oci_manifest), digest, m.size());
    const Layout layout = s.open();
    REQUIRE(layout.index().size() == 1);
    REQUIRE(layout.find("v1") != nullptr);
    CHECK(layout.find("v1")->digest == digest);
    CHECK(layout.find("v2") == nullptr);
    const Manifest* manifest = layout.manifest(digest);
    REQUIRE(manifest != nullptr);
    CHECK_FALSE(manifest->is_index);
    CHECK(manifest->bytes == m);
    REQUIRE(manifest->blobs.size() == 2);
    CHECK(manifest->blobs[0].media_type == "application/vnd.oci.image.config.v1+json");
    CHECK(manifest->blobs[1].size == 9);
    CHECK(layout.blob_path(digest) == s.dir.path() / "blobs/sha256" / digest.substr(7));
    CHECK(layout.blob_path("sha256:../../etc").empty());
    CHECK(layout.verify_blob(manifest->blobs[1]).ok());
  }

  TEST_CASE("an index reaches its child manifests and their blobs") {
    Scratch s;
    const std::string a = image(s, "amd64 layer");
    const std::string b = image(s, "arm64 layer");
    const std::string ad = s.put(a);
    const std::string bd = s.put(b);
    const std::string index = fmt::format(
        R"({{"schemaVersion":2,"mediaType":"{}","manifests":[{},{}]}})", k_oci_index,
        descriptor(k_oci_manifest, ad, a.size()), descriptor(k_oci_manifest, bd, b.size()));
    const std::string id = s.put(index);
    s.index(std::string(k_oci_index), id, index.size());
    const Layout layout = s.open();
    const Manifest* top = layout.manifest(id);
    REQUIRE(top != nullptr);
    CHECK(top->is_index);
    CHECK(top->manifests.size() == 2);
    CHECK(layout.manifest(ad) != nullptr);
    CHECK(layout.manifest(bd) != nullptr);
  }

  TEST_CASE("a missing layer is refused, naming it and its manifest") {
    Scratch s;
    std::string layer;
    const std::string m = image(s, "gone", &layer);
    const std::string digest = s.put(m);
    s.index(std::string(k_oci_manifest), digest, m.size());
    std::filesystem::remove(s.dir.path() / "blobs/sha256" / layer.substr(7));
    const Error e = s.refusal();
    CHECK(e.code() == Errc::verify);
    CHECK(e.message().find(layer + " (layer 1 of " + digest + ") is missing") != std::string::npos);
  }

  TEST_CASE("a missing child manifest of an index is refused") {
    Scratch s;
    const std::string child = "sha256:" + std::string(64, 'c');
    const std::string index = fmt::format(R"({{"schemaVersion":2,"manifests":[{}]}})",
                                          descriptor(k_oci_manifest, child, 10));
    const std::string id = s.put(index);
    s.index(std::string(k_oci_index), id, index.size());
    const Error e = s.refusal();
    CHECK(e.message().find(child + " (in index " + id + ") is missing") != std::string::npos);
  }

  TEST_CASE("a layer of another size is refused; same size, other bytes: verify_blob refuses") {
    Scratch s;
    std::string layer;
    const std::string m = image(s, "original", &layer);
    const std::string digest = s.put(m);
    s.index(std::string(k_oci_manifest), digest, m.size());
    s.write("blobs/sha256/" + layer.substr(7), "tampered");
    const Layout layout = s.open(); // sizes match: layers are not read when opening
    const auto st = layout.verify_blob(layout.manifest(digest)->blobs[1]);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code() == Errc::verify);
    CHECK(st.error().message().find(layer + " does not match its digest") != std::string::npos);
    s.write("blobs/sha256/" + layer.substr(7), "longer than before");
    CHECK(s.refusal().message().find("is 18 bytes, not the 8 its descriptor says") !=
          std::string::npos);
  }

  TEST_CASE("a manifest whose bytes do not match its digest is refused") {
    Scratch s;
    const std::string m = image(s, "x");
    const std::string digest = s.put(m);
    s.index(std::string(k_oci_manifest), digest, m.size());
    std::string changed = m;
    changed[changed.size() - 2] = ' ';
    s.write("blobs/sha256/" + digest.substr(7), changed);
    const Error e = s.refusal();
    CHECK(e.code() == Errc::verify);
    CHECK(e.message().find(digest + " (named by index.json) does not match its digest") !=
          std::string::npos);
  }

  TEST_CASE("what is no layout is refused clearly") {
    Scratch s;
    CHECK(s.refusal().message().find("index.json") != std::string::npos);
    s.write("index.json", "not json");
    CHECK(s.refusal().message().find("index.json: it is not a JSON object") != std::string::npos);
    s.write("index.json", R"({"manifests":[{"mediaType":"x","digest":"sha256:1","size":1}]})");
    CHECK(s.refusal().message().find("digest is not sha256") != std::string::npos);
    s.write("oci-layout", R"({"imageLayoutVersion":"2.0.0"})");
    CHECK(s.refusal().message().find("imageLayoutVersion 1.x") != std::string::npos);
  }

  TEST_CASE("media types: a non-manifest in index.json, a schema1 manifest, a mismatch") {
    Scratch s;
    const std::string blob = s.put("{}");
    s.index("application/vnd.oci.image.layer.v1.tar", blob, 2);
    CHECK(s.refusal().message().find("which is no image manifest or index") != std::string::npos);
    const std::string m = image(s, "y");
    const std::string digest = s.put(m);
    s.index(std::string(k_docker_manifest), digest, m.size());
    CHECK(s.refusal().message().find("is not its descriptor's") != std::string::npos);
    const std::string v1 = R"({"schemaVersion":1})";
    const std::string v1d = s.put(v1);
    s.index("application/vnd.docker.distribution.manifest.v1+prettyjws", v1d, v1.size());
    CHECK(s.refusal().message().find("which is no image manifest") != std::string::npos);
  }
}
