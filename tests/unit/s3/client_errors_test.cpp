// response_error() on S3's error answers: the shape of each body is AWS's documented one
// (Amazon S3 API Reference, "Error responses"), the values made up.

#include "acpctl/s3/client.hpp"
#include "acpctl/util/log.hpp"
#include "s3/client_impl.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace acp::s3;

namespace {

Endpoint endpoint() {
  Endpoint e;
  e.url = "https://s3.eu-central-1.amazonaws.com";
  e.region = "eu-central-1";
  e.bucket = "acp-backups";
  return e;
}

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

constexpr std::string_view k_signature_does_not_match = R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256
20260102T030405Z
20260102/eu-central-1/s3/aws4_request
5f1c6b9b0e3f1a6a3f0b1f2e6c7d8e9fa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5</StringToSign><SignatureProvided>0b7d4c8e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4</SignatureProvided><StringToSignBytes>41 57 53 34</StringToSignBytes><CanonicalRequest>PUT
/acp-backups/snap.db
</CanonicalRequest><CanonicalRequestBytes>50 55 54</CanonicalRequestBytes><RequestId>4442587FB7D0A2F9</RequestId><HostId>nh8QOVTe1yTQ2yGN8ElK6q0t7XEXAMPLE=</HostId></Error>)";

constexpr std::string_view k_invalid_access_key = R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message><AWSAccessKeyId>AKIAWRONGEXAMPLE</AWSAccessKeyId><RequestId>0A49CE4060975EAC</RequestId><HostId>kX9bQ4Ej0ZQ3EXAMPLE=</HostId></Error>)";

constexpr std::string_view k_no_such_bucket = R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>acp-backups</BucketName><RequestId>C7A8F1659DE5909C</RequestId><HostId>9Gjjt1m+cjU4OPvX9O9/8RuvnG41MRb/18Oux2o5H5MY7ISNTlXN+Dz9IG62/ILVxhAGI0qyPfg=</HostId></Error>)";

constexpr std::string_view k_time_too_skewed = R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message><RequestTime>20260102T030405Z</RequestTime><ServerTime>2026-01-02T04:10:00Z</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds><RequestId>1F3D7E2A6B8C9D0E</RequestId><HostId>dGhpcyBpcyBub3QgYSByZWFsIGhvc3QgaWQ=</HostId></Error>)";

constexpr std::string_view k_no_such_key = R"(<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Key>etcd/snapshot &amp; more.db</Key>
  <Resource>/acp-backups/etcd/snapshot%20%26%20more.db</Resource>
  <RequestId>4442587FB7D0A2F9</RequestId>
</Error>)";

} // namespace

TEST_SUITE("s3::client") {
  TEST_CASE("a refused signature is an auth error naming the bucket and the endpoint") {
    const auto error =
        response_error(403, k_signature_does_not_match, endpoint(), "uploading s3://acp-backups/k");
    CHECK(error.code() == acp::Errc::auth);
    const auto text = error.describe();
    CHECK(has(text, "uploading s3://acp-backups/k: "));
    CHECK(has(text, "\"acp-backups\""));
    CHECK(has(text, "https://s3.eu-central-1.amazonaws.com"));
    CHECK(has(text, "403 SignatureDoesNotMatch"));
    CHECK(has(error.hint(), "spec.etcdBackup.remoteStorage.s3 accessKey and secretKey"));
    CHECK(has(error.hint(), "fromEnv / fromFile"));
    // What S3 echoes back (the string to sign, the canonical request) stays out.
    CHECK_FALSE(has(text, "AWS4-HMAC-SHA256"));
    CHECK_FALSE(has(text, "CanonicalRequest"));
  }

  TEST_CASE("an unknown access key and a denied access are auth errors with the same hint") {
    const auto unknown = response_error(403, k_invalid_access_key, endpoint(), "listing");
    CHECK(unknown.code() == acp::Errc::auth);
    CHECK(has(unknown.message(), "403 InvalidAccessKeyId"));
    CHECK(has(unknown.hint(), "accessKey and secretKey"));
    const auto denied = response_error(
        403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>", endpoint(),
        "listing");
    CHECK(denied.code() == acp::Errc::auth);
    CHECK(has(denied.message(), "\"acp-backups\""));
    const auto bare = response_error(403, "", endpoint(), "listing");
    CHECK(bare.code() == acp::Errc::auth);
    CHECK(has(bare.message(), "(403)"));
  }

  TEST_CASE("a skewed clock says to sync the clock, not to check the keys") {
    const auto error = response_error(403, k_time_too_skewed, endpoint(), "listing");
    CHECK(has(error.message(), "RequestTimeTooSkewed"));
    CHECK(has(error.hint(), "clock"));
    CHECK(has(error.hint(), "NTP"));
    CHECK_FALSE(has(error.hint(), "secretKey"));
  }

  TEST_CASE("a missing bucket says so, with the endpoint and what to fix") {
    const auto error =
        response_error(404, k_no_such_bucket, endpoint(), "listing s3://acp-backups/");
    CHECK(
        has(error.message(),
            "the bucket \"acp-backups\" does not exist at https://s3.eu-central-1.amazonaws.com"));
    CHECK(has(error.hint(), "create the bucket"));
    CHECK(has(error.hint(), "bucket"));
  }

  TEST_CASE("a missing object is named, its key decoded") {
    const auto error = response_error(404, k_no_such_key, endpoint(), "reading");
    CHECK(has(error.message(), "the object \"etcd/snapshot & more.db\" does not exist"));
    CHECK(has(error.message(), "404 NoSuchKey"));
  }

  TEST_CASE("other answers give the status, the code and the message") {
    const auto busy = response_error(
        503,
        "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
        endpoint(), "uploading");
    CHECK(busy.code() == acp::Errc::failed);
    CHECK(has(busy.message(), "503 SlowDown: \"Please reduce your request rate.\""));
    const auto html = response_error(502, "<html><body>Bad Gateway</body></html>", endpoint(), "x");
    CHECK(has(html.message(), "answered 502 for bucket"));
  }

  TEST_CASE("what the server says is masked and quoted: a secret or a line break never gets out") {
    const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY-unit";
    acp::log::add_secret(secret);
    const auto error = response_error(400,
                                      "<Error><Code>Bad\nCode</Code><Message>key " + secret +
                                          "\nforged line</Message></Error>",
                                      endpoint(), "uploading");
    const auto text = error.describe();
    CHECK_FALSE(has(text, secret));
    CHECK_FALSE(has(text, "\nforged"));
    CHECK(has(text, "***"));
  }

  TEST_CASE("only 5xx answers are tried again, and not 501 Not Implemented") {
    for (long status : {500L, 502L, 503L, 504L, 599L})
      CHECK(retryable_status(status));
    for (long status : {200L, 204L, 301L, 400L, 403L, 404L, 409L, 501L})
      CHECK_FALSE(retryable_status(status));
  }
}
