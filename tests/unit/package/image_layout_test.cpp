// The package's OCI image layout: built from a definition, checked whole at build and at
// verify (every blob an image names is in the package), written by unpack on request.

#include "acpctl/package/build.hpp"
#include "acpctl/package/verify.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "craft.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace acp;
using namespace acp::package;
namespace fs = std::filesystem;

namespace {

std::string digest_of(const std::string& bytes) {
  return "sha256:" + util::sha256_hex(bytes);
}

// A one-image layout: config, one layer, the manifest and index.json (path → bytes).
struct Layout {
  std::string layer = "layer bytes: pretend this is a tar.gz";
  std::string config = R"({"architecture":"amd64","os":"linux"})";
  std::string manifest;
  std::vector<std::pair<std::string, std::string>> files;

  Layout() {
    manifest = fmt::format(
        R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}",)"
        R"("size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",)"
        R"("digest":"{}","size":{}}}]}})",
        digest_of(config), config.size(), digest_of(layer), layer.size());
    const auto index =
        fmt::format(R"({{"schemaVersion":2,"manifests":[{{"mediaType":)"
                    R"("application/vnd.oci.image.manifest.v1+json","digest":"{}","size":{}}}]}})",
                    digest_of(manifest), manifest.size());
    files = {{"images/oci-layout", R"({"imageLayoutVersion":"1.0.0"})"},
             {"images/index.json", index},
             {blob(config), config},
             {blob(layer), layer},
             {blob(manifest), manifest}};
  }
  static std::string blob(const std::string& bytes) {
    return "images/blobs/sha256/" + util::sha256_hex(bytes);
  }
  void drop(const std::string& bytes) {
    std::erase_if(files, [&](const auto& f) { return f.first == blob(bytes); });
  }
  void write(const fs::path& dir) const {
    for (const auto& [path, bytes] : files) {
      fs::create_directories((dir / path).parent_path());
      REQUIRE(util::write_file_atomic(dir / path, bytes).ok());
    }
  }
};

// A definition with the test helper's components; `app` lists the image.
void add_image(const fs::path& def, const std::string& manifest) {
  auto text = *util::read_file(def / "package.yaml");
  const auto at = text.find("      files:");
  REQUIRE(at != std::string::npos);
  text.insert(at, fmt::format("      images:\n        - ref: registry.alauda.cn/acp/app:1.0\n"
                              "          digest: {}\n",
                              digest_of(manifest)));
  REQUIRE(util::write_file_atomic(def / "package.yaml", text).ok());
}

// A crafted (unsigned) package holding `layout`'s files and one component listing the image.
fs::path craft(const fs::path& dir, const Layout& layout) {
  auto m = test::manifest_for({{"bin/app", "app"}});
  m.components[0].images.push_back({"registry.alauda.cn/acp/app:1.0", digest_of(layout.manifest)});
  auto files = layout.files;
  for (const auto& [path, bytes] : files)
    m.image_files.push_back(FileEntry{path, bytes.size(), 0644, util::sha256_hex(bytes), {}});
  files.emplace_back("bin/app", "app");
  const auto package = dir / "p.tgz";
  test::write_archive(package, test::entries_for(m, files));
  return package;
}

} // namespace

TEST_SUITE("package::images") {
  TEST_CASE("a definition with a whole layout builds, verifies, and unpacks images on request") {
    util::TempDir dir;
    test::write_definition(dir.path() / "def");
    Layout layout;
    layout.write(dir.path() / "def");
    add_image(dir.path() / "def", layout.manifest);
    auto built = build(BuildOptions{dir.path() / "def", dir.path() / "p.tgz", {}, 0, {}});
    REQUIRE_MESSAGE(built.ok(), built.error().describe());
    REQUIRE(verify(built->package, {}).ok());
    UnpackOptions o;
    o.components = {"config"};
    REQUIRE(unpack(built->package, dir.path() / "plain", o).ok());
    CHECK_FALSE(fs::exists(dir.path() / "plain" / "images"));
    o.images = true;
    REQUIRE(unpack(built->package, dir.path() / "with", o).ok());
    CHECK(*util::read_file(dir.path() / "with" / Layout::blob(layout.layer)) == layout.layer);
    CHECK(fs::exists(dir.path() / "with" / "images" / "index.json"));
    CHECK_FALSE(fs::exists(dir.path() / "with" / "bin"));
  }

  TEST_CASE("build refuses a layout whose image lacks a layer, naming the layer") {
    util::TempDir dir;
    test::write_definition(dir.path() / "def");
    Layout layout;
    layout.drop(layout.layer);
    layout.write(dir.path() / "def");
    add_image(dir.path() / "def", layout.manifest);
    auto built = build(BuildOptions{dir.path() / "def", dir.path() / "p.tgz", {}, 0, {}});
    REQUIRE_FALSE(built.ok());
    CHECK(built.error().message().find("needs the layer " + digest_of(layout.layer)) !=
          std::string::npos);
  }

  TEST_CASE("verify refuses a package whose layout lacks a blob, naming the image and blob") {
    util::TempDir dir;
    Layout whole;
    REQUIRE(verify(craft(dir.path(), whole), {}).ok());
    Layout partial;
    partial.drop(partial.config);
    auto r = verify(craft(dir.path(), partial), {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == Errc::verify);
    CHECK(r.error().message().find("registry.alauda.cn/acp/app:1.0 needs the config " +
                                   digest_of(partial.config)) != std::string::npos);
    CHECK_FALSE(unpack(craft(dir.path(), partial), dir.path() / "out", {}).ok());
    CHECK_FALSE(fs::exists(dir.path() / "out"));
  }

  TEST_CASE("a blob not named by its sha256 is refused when the manifest is read") {
    util::TempDir dir;
    Layout layout;
    layout.files[3].first = "images/blobs/sha256/" + std::string(64, 'a');
    auto r = verify(craft(dir.path(), layout), {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("a blob is named by its sha256") != std::string::npos);
  }

  TEST_CASE("an image whose manifest blob is not JSON is refused") {
    util::TempDir dir;
    Layout layout;
    // The manifest's bytes replaced by a layer-like blob under its own (correct) name.
    const std::string junk(100, '\x01');
    layout.files[4] = {Layout::blob(junk), junk};
    layout.manifest = junk;
    auto r = verify(craft(dir.path(), layout), {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("is not an image manifest or index") != std::string::npos);
  }
}
