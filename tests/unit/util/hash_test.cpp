#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace acp::util;

TEST_SUITE("util::hash") {
  TEST_CASE("sha256 matches the FIPS 180-2 vectors") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  TEST_CASE("streaming in pieces gives the same digest") {
    Sha256 h;
    h.update("a");
    h.update("bc");
    CHECK(h.hex_digest() == sha256_hex("abc"));
  }

  TEST_CASE("file digest, and a missing file is an io error naming it") {
    TempDir dir;
    const auto path = dir.path() / "f";
    std::ofstream(path) << "abc";
    CHECK(*sha256_file(path) == sha256_hex("abc"));
    auto missing = sha256_file(dir.path() / "nope");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code() == acp::Errc::io);
    CHECK(missing.error().message().find("nope") != std::string::npos);
  }
}
