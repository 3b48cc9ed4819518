// A blob's bytes checked as an upload reads them: in pieces, read again after a rewind, each
// byte hashed once in order; a mismatch stops the upload at the last byte.

#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "oci/pusher.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace acp;
using namespace acp::oci;
using namespace acp::oci::detail;

namespace {

// A one-image layout whose single layer is `layer`.
struct Fixture {
  util::TempDir dir{"acpctl-oci-verify-test"};
  Descriptor blob;
  std::optional<Layout> layout;

  explicit Fixture(std::string_view layer) {
    const auto blobs = dir.path() / "blobs" / "sha256";
    std::filesystem::create_directories(blobs);
    const auto put = [&](std::string_view bytes) {
      const std::string hex = util::sha256_hex(bytes);
      std::ofstream(blobs / hex, std::ios::binary) << bytes;
      return "sha256:" + hex;
    };
    std::ofstream(dir.path() / "oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
    blob = {"application/vnd.oci.image.layer.v1.tar", put(layer), layer.size(), {}};
    const std::string m = R"({"schemaVersion":2,"config":{"mediaType":"c","digest":")" + put("{}") +
                          R"(","size":2},"layers":[{"mediaType":"l","digest":")" + blob.digest +
                          R"(","size":)" + std::to_string(layer.size()) + "}]}";
    std::ofstream(dir.path() / "index.json")
        << R"({"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
               put(m) + R"(","size":)" + std::to_string(m.size()) + "}]}";
    auto opened = Layout::open(dir.path());
    REQUIRE(opened.ok());
    layout.emplace(std::move(opened).take());
  }
};

} // namespace

TEST_SUITE("oci::verify") {
  TEST_CASE("pieces in order, and again after a rewind, match") {
    Fixture f("0123456789");
    BlobVerifier v(*f.layout, f.blob);
    CHECK(v.see(0, "0123").ok());
    CHECK(v.see(0, "01234").ok()); // resent from the start: only "4" is new
    CHECK(v.see(6, "6789").ok());  // not reachable yet in order: ignored
    CHECK_FALSE(v.finish().ok());  // "5..9" never came in order
    CHECK(v.see(5, "56789").ok());
    CHECK(v.finish().ok());
    CHECK(v.see(0, "0123456789").ok()); // a resend after the end changes nothing
  }

  TEST_CASE("other bytes of the same size fail at the last byte, naming the blob") {
    Fixture f("0123456789");
    BlobVerifier v(*f.layout, f.blob);
    CHECK(v.see(0, "01234").ok());
    const auto st = v.see(5, "5678X");
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code() == Errc::verify);
    CHECK(st.error().message().find(f.blob.digest + " does not match its digest") !=
          std::string::npos);
    CHECK_FALSE(v.finish().ok());
  }

  TEST_CASE("an empty blob is checked by finish") {
    Fixture f("");
    BlobVerifier v(*f.layout, f.blob);
    CHECK(v.finish().ok());
  }
}
