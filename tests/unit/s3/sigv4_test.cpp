#include "acpctl/s3/sigv4.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/strings.hpp"

#include <doctest/doctest.h>

using namespace acp::s3;

namespace {

// The four examples of AWS's "Signature Calculations for the Authorization Header:
// Transferring Payload in a Single Chunk (AWS Signature Version 4)",
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html: every
// expected canonical request, string to sign, signature and Authorization value below is
// copied from that page, not computed here.
const Credentials k_aws{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const Scope k_scope{"us-east-1", "s3", "20130524T000000Z"};
constexpr const char* k_host = "examplebucket.s3.amazonaws.com";
const std::string k_empty(k_empty_payload_sha256);

Signed must_sign(const Request& request, const Credentials& credentials = k_aws) {
  auto signed_request = sign(request, credentials, k_scope);
  REQUIRE(signed_request.ok());
  return std::move(signed_request).take();
}

void check_secret_absent(const Signed& s, const std::string& secret) {
  CHECK(s.canonical_request.find(secret) == std::string::npos);
  CHECK(s.string_to_sign.find(secret) == std::string::npos);
  CHECK(s.authorization.find(secret) == std::string::npos);
  for (const auto& [name, value] : s.headers_to_add)
    CHECK(value.find(secret) == std::string::npos);
}

} // namespace

TEST_SUITE("s3::sigv4") {
  TEST_CASE("AWS example: GET Object with a Range header") {
    const auto s =
        must_sign({"GET", "/test.txt", {}, {{"Host", k_host}, {"Range", "bytes=0-9"}}, k_empty});
    CHECK(s.canonical_request ==
          "GET\n"
          "/test.txt\n"
          "\n"
          "host:examplebucket.s3.amazonaws.com\n"
          "range:bytes=0-9\n"
          "x-amz-content-sha256:"
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
          "x-amz-date:20130524T000000Z\n"
          "\n"
          "host;range;x-amz-content-sha256;x-amz-date\n"
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(s.string_to_sign == "AWS4-HMAC-SHA256\n"
                              "20130524T000000Z\n"
                              "20130524/us-east-1/s3/aws4_request\n"
                              "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    CHECK(s.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CHECK(s.authorization ==
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
          "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
          "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CHECK(s.headers_to_add == std::vector<Field>{{"x-amz-date", "20130524T000000Z"},
                                                 {"x-amz-content-sha256", k_empty}});
    check_secret_absent(s, k_aws.secret_access_key);
  }

  TEST_CASE("AWS example: PUT Object, a '$' in the key and a signed payload") {
    const std::string payload_hash = acp::util::sha256_hex("Welcome to Amazon S3.");
    REQUIRE(payload_hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    // The headers as the example's request carries them, x-amz-date's trailing blank included.
    const Request request{"PUT",
                          "/" + uri_encode("test$file.text", false),
                          {},
                          {{"Host", k_host},
                           {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                           {"x-amz-date", "20130524T000000Z "},
                           {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                           {"x-amz-content-sha256", payload_hash}},
                          payload_hash};
    const auto s = must_sign(request);
    CHECK(s.canonical_request ==
          "PUT\n"
          "/test%24file.text\n"
          "\n"
          "date:Fri, 24 May 2013 00:00:00 GMT\n"
          "host:examplebucket.s3.amazonaws.com\n"
          "x-amz-content-sha256:"
          "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
          "x-amz-date:20130524T000000Z\n"
          "x-amz-storage-class:REDUCED_REDUNDANCY\n"
          "\n"
          "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
          "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    CHECK(s.string_to_sign == "AWS4-HMAC-SHA256\n"
                              "20130524T000000Z\n"
                              "20130524/us-east-1/s3/aws4_request\n"
                              "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
    CHECK(s.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    CHECK(s.authorization ==
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
          "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
          "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    CHECK(s.headers_to_add.empty());
    check_secret_absent(s, k_aws.secret_access_key);
  }

  TEST_CASE("AWS example: GET Bucket Lifecycle, a query parameter without a value") {
    const auto s = must_sign({"GET", "/", {{"lifecycle", ""}}, {{"host", k_host}}, k_empty});
    CHECK(s.canonical_request ==
          "GET\n"
          "/\n"
          "lifecycle=\n"
          "host:examplebucket.s3.amazonaws.com\n"
          "x-amz-content-sha256:"
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
          "x-amz-date:20130524T000000Z\n"
          "\n"
          "host;x-amz-content-sha256;x-amz-date\n"
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(s.string_to_sign == "AWS4-HMAC-SHA256\n"
                              "20130524T000000Z\n"
                              "20130524/us-east-1/s3/aws4_request\n"
                              "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
    CHECK(s.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
    CHECK(s.authorization ==
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
          "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
          "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
    check_secret_absent(s, k_aws.secret_access_key);
  }

  TEST_CASE("AWS example: GET Bucket (List Objects), query parameters given out of order") {
    const auto s =
        must_sign({"GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, {{"host", k_host}}, k_empty});
    CHECK(s.canonical_request ==
          "GET\n"
          "/\n"
          "max-keys=2&prefix=J\n"
          "host:examplebucket.s3.amazonaws.com\n"
          "x-amz-content-sha256:"
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
          "x-amz-date:20130524T000000Z\n"
          "\n"
          "host;x-amz-content-sha256;x-amz-date\n"
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(s.string_to_sign == "AWS4-HMAC-SHA256\n"
                              "20130524T000000Z\n"
                              "20130524/us-east-1/s3/aws4_request\n"
                              "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
    CHECK(s.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    CHECK(s.authorization ==
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
          "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
          "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    check_secret_absent(s, k_aws.secret_access_key);
  }

  TEST_CASE("hmac_sha256 matches RFC 4231 test cases 1 and 2") {
    CHECK(acp::util::to_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(acp::util::to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  TEST_CASE("uri_encode keeps the unreserved characters and percent-encodes every other byte") {
    CHECK(uri_encode("a b", true) == "a%20b");
    CHECK(uri_encode("a/b", false) == "a/b");
    CHECK(uri_encode("a/b", true) == "a%2Fb");
    CHECK(uri_encode("AZaz09-._~", true) == "AZaz09-._~");
    CHECK(uri_encode("+*%=&?#$", true) == "%2B%2A%25%3D%26%3F%23%24");
    CHECK(uri_encode("caf\xC3\xA9", false) == "caf%C3%A9");
    CHECK(uri_encode("\xE2\x82\xAC", true) == "%E2%82%AC");
    CHECK(uri_encode(std::string_view("a\0b", 3), true) == "a%00b");
    CHECK(uri_encode("", true).empty());
  }
}
