// The signer's own rules (query and header canonical forms, the session token, refused
// inputs, the secret kept out of everything). AWS's published examples are in sigv4_test.cpp.

#include "acpctl/s3/sigv4.hpp"
#include "acpctl/util/strings.hpp"

#include <doctest/doctest.h>

using namespace acp::s3;

namespace {

const Credentials k_credentials{"AKIDEXAMPLE", "s3cr3t/K7MDENG+EXAMPLE-never-shown", ""};
const Scope k_scope{"eu-central-1", "s3", "20260102T030405Z"};
const std::string k_empty(k_empty_payload_sha256);

Request get(std::vector<Field> query = {}, std::vector<Field> headers = {{"host", "h.example"}}) {
  return {"GET", "/b/k", std::move(query), std::move(headers), k_empty};
}

Signed must_sign(const Request& request, const Credentials& credentials = k_credentials) {
  auto signed_request = sign(request, credentials, k_scope);
  REQUIRE(signed_request.ok());
  return std::move(signed_request).take();
}

// The canonical request's n-th line (0 method, 1 path, 2 query, then the headers).
std::string line(const Signed& s, std::size_t n) {
  return acp::util::split(s.canonical_request, '\n').at(n);
}

// Signing fails with invalid_input; the message never holds the secret.
std::string refusal(const Request& request, const Credentials& credentials = k_credentials,
                    const Scope& scope = k_scope) {
  auto signed_request = sign(request, credentials, scope);
  REQUIRE_FALSE(signed_request.ok());
  CHECK(signed_request.error().code() == acp::Errc::invalid_input);
  const auto text = signed_request.error().describe();
  CHECK(text.find(k_credentials.secret_access_key) == std::string::npos);
  return text;
}

bool mentions(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("s3::sigv4") {
  TEST_CASE("query parameters are encoded, slash included, and sorted by name then value") {
    CHECK(line(must_sign(get({{"prefix", "a/b c"}, {"list-type", "2"}, {"delimiter", "/"}})), 2) ==
          "delimiter=%2F&list-type=2&prefix=a%2Fb%20c");
    CHECK(line(must_sign(get({{"b", "2"}, {"a", "y"}, {"a", "x"}})), 2) == "a=x&a=y&b=2");
    CHECK(line(must_sign(get({{"b", ""}, {"B", ""}})), 2) == "B=&b=");
    CHECK(line(must_sign(get({{"key=1&", "v+w"}})), 2) == "key%3D1%26=v%2Bw");
    CHECK(line(must_sign(get()), 2).empty());
  }

  TEST_CASE("header names are lower-cased, values trimmed, and every header is signed") {
    const auto s = must_sign(get({}, {{"Host", "  h.example  "},
                                      {"X-Amz-Meta-Note", " \t a   b\t c  "},
                                      {"Content-Type", "text/plain"},
                                      {"x-amz-meta-note", "second"}}));
    CHECK(line(s, 3) == "content-type:text/plain");
    CHECK(line(s, 4) == "host:h.example");
    CHECK(line(s, 7) == "x-amz-meta-note:a b c,second");
    CHECK(mentions(s.authorization,
                   ",SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;"
                   "x-amz-meta-note,"));
  }

  TEST_CASE("the credential scope names the date, region and service") {
    const auto s = must_sign(get());
    CHECK(acp::util::split(s.string_to_sign, '\n').at(2) ==
          "20260102/eu-central-1/s3/aws4_request");
    CHECK(s.authorization.starts_with(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/eu-central-1/s3/aws4_request,"));
    CHECK(s.signature.size() == 64);
  }

  TEST_CASE("a session token is sent and signed as x-amz-security-token") {
    auto credentials = k_credentials;
    credentials.session_token = "FQoGZXIvYXdzEXAMPLE//token==";
    const auto s = must_sign(get(), credentials);
    CHECK(s.headers_to_add ==
          std::vector<Field>{{"x-amz-date", "20260102T030405Z"},
                             {"x-amz-content-sha256", k_empty},
                             {"x-amz-security-token", credentials.session_token}});
    CHECK(line(s, 6) == "x-amz-security-token:FQoGZXIvYXdzEXAMPLE//token==");
    CHECK(mentions(s.authorization,
                   "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"));
    CHECK(s.signature != must_sign(get()).signature);
  }

  TEST_CASE("UNSIGNED-PAYLOAD is signed in place of a payload hash") {
    auto request = get();
    request.method = "PUT";
    request.payload_hash = std::string(k_unsigned_payload);
    const auto s = must_sign(request);
    CHECK(s.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
    CHECK(line(s, 4) == "x-amz-content-sha256:UNSIGNED-PAYLOAD");
  }

  TEST_CASE("the secret is in no output and no error message") {
    auto credentials = k_credentials;
    credentials.session_token = "tok";
    const auto s =
        must_sign(get({{"q", "v"}}, {{"host", "h.example"}, {"range", "bytes=0-1"}}), credentials);
    for (const auto& text : {s.canonical_request, s.string_to_sign, s.signature, s.authorization})
      CHECK_FALSE(mentions(text, credentials.secret_access_key));
    for (const auto& [name, value] : s.headers_to_add)
      CHECK_FALSE(mentions(value, credentials.secret_access_key));
    auto bad_time = k_scope;
    bad_time.timestamp = "2026-01-02T03:04:05Z";
    refusal(get(), credentials, bad_time); // refusal() checks the message
  }

  TEST_CASE("inputs that would sign something else than what is sent are refused") {
    CHECK(mentions(refusal(get({}, {{"range", "bytes=0-1"}})), "no host header"));
    auto unencoded = get();
    unencoded.path = "/test$file.text";
    CHECK(mentions(refusal(unencoded), "\"/test$file.text\" is not an absolute path encoded"));
    unencoded.path = "/a%2fb";
    CHECK(mentions(refusal(unencoded), "is not an absolute path encoded"));
    unencoded.path = "b/k";
    CHECK(mentions(refusal(unencoded), "is not an absolute path encoded"));
    auto upper_hash = get();
    upper_hash.payload_hash = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
    CHECK(mentions(refusal(upper_hash), "neither 64 lower-case hex digits nor UNSIGNED-PAYLOAD"));
    CHECK(mentions(refusal(get({}, {{"host", "h"}, {"x-amz-meta-a", "1\r\nx-evil: 2"}})),
                   "header \"x-amz-meta-a\" holds a control character"));
    CHECK(mentions(refusal(get({}, {{"host", "h"}, {"Authorization", "AWS4-HMAC-SHA256 x"}})),
                   "already has an authorization header"));
    CHECK(mentions(refusal(get({}, {{"host", "h"}, {"bad name", "1"}})),
                   "header name \"bad name\" is not an HTTP header name"));
    CHECK(mentions(refusal(get({}, {{"host", "h"}, {"X-Amz-Date", "20260102T030406Z"}})),
                   "x-amz-date header differs from the signing timestamp"));
    CHECK(mentions(refusal(get({}, {{"host", "h"}, {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}})),
                   "x-amz-content-sha256 header differs from the payload hash"));
  }

  TEST_CASE("a malformed timestamp, scope or credential is refused, never echoing secrets") {
    for (const char* timestamp : {"20260102T030405", "20261302T030405Z", "2026010203:04:05Z", ""}) {
      auto scope = k_scope;
      scope.timestamp = timestamp;
      CHECK(mentions(refusal(get(), k_credentials, scope), "yyyymmddThhmmssZ"));
    }
    auto scope = k_scope;
    scope.region = "eu central";
    CHECK(mentions(refusal(get(), k_credentials, scope), "region \"eu central\""));
    auto credentials = k_credentials;
    credentials.access_key_id = "AKID/x";
    CHECK(mentions(refusal(get(), credentials), "access key id"));
    credentials = k_credentials;
    credentials.secret_access_key.clear();
    CHECK(mentions(refusal(get(), credentials), "secret access key is empty"));
    credentials = k_credentials;
    credentials.session_token = "secret-token\n";
    const auto text = refusal(get(), credentials);
    CHECK(mentions(text, "session token holds a control character"));
    CHECK_FALSE(mentions(text, "secret-token"));
    credentials.session_token = "secret-token";
    const auto mismatch =
        refusal(get({}, {{"host", "h"}, {"x-amz-security-token", "other-token"}}), credentials);
    CHECK(mentions(mismatch, "x-amz-security-token header differs from the session token"));
    CHECK_FALSE(mentions(mismatch, "secret-token"));
    CHECK_FALSE(mentions(mismatch, "other-token"));
  }
}
