#pragma once
// AWS Signature Version 4 for S3, header-based, payload in a single chunk: a pure function
// from a request and credentials to the Authorization header. No clock, no I/O, no logging:
// the caller gives the timestamp, which is what lets the tests reproduce AWS's published
// examples byte for byte. OpenSSL stays out of this header.
//
// The secret key is used only to derive the signing key. It never appears in any output or
// Error message; the caller registers it with log::add_secret where it loads it.

#include "acpctl/util/error.hpp"

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acp::s3 {

/// The x-amz-content-sha256 value for a payload that is not signed.
inline constexpr std::string_view k_unsigned_payload = "UNSIGNED-PAYLOAD";
/// sha256 of the empty payload, as hex (what a GET or HEAD signs).
inline constexpr std::string_view k_empty_payload_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A name and a value: a query parameter or a header.
using Field = std::pair<std::string, std::string>;

/// Who signs. session_token, when not empty, is sent and signed as x-amz-security-token.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
};

/// Where and when the signature is valid.
struct Scope {
  std::string region;         ///< "us-east-1"
  std::string service = "s3"; ///< the service name of the credential scope
  std::string timestamp;      ///< UTC, yyyymmddThhmmssZ: "20130524T000000Z"
};

/// The request to sign.
struct Request {
  std::string method; ///< "GET", "PUT", ...
  /// The absolute path, already URI-encoded the S3 way: each segment with
  /// uri_encode(segment, false), the '/' between segments kept. "/" for the bucket itself.
  std::string path;
  /// Query parameters, not encoded; the signer encodes and sorts them. A parameter with no
  /// value ("?lifecycle") has an empty value.
  std::vector<Field> query;
  /// Headers to send, `host` among them. Every one is signed: names are lower-cased, values
  /// trimmed. A name given twice is signed once with its values joined by ','.
  std::vector<Field> headers;
  /// sha256 of the payload as 64 lower-case hex characters (util::sha256_hex), or
  /// k_unsigned_payload.
  std::string payload_hash;
};

/// The signature and every intermediate, and what to send.
struct Signed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature; ///< 64 lower-case hex characters
  /// The Authorization header's value: "AWS4-HMAC-SHA256 Credential=...,SignedHeaders=...,
  /// Signature=...".
  std::string authorization;
  /// Signed headers the request did not carry and must now carry, lower-case names:
  /// x-amz-date, x-amz-content-sha256 and, with a session token, x-amz-security-token.
  std::vector<Field> headers_to_add;
};

/// Signs `request`. Fails with Errc::invalid_input, naming what is wrong (never the secret),
/// when the timestamp is not yyyymmddThhmmssZ, a credential, the region, the service or the
/// method is empty or holds a character that would break the Authorization header, the path
/// is not already encoded, `host` is missing, an authorization header is already there, a
/// header name is not an HTTP token or a value holds a control character (a line break), the
/// payload hash is neither hex sha256 nor UNSIGNED-PAYLOAD, or a given x-amz-date,
/// x-amz-content-sha256 or x-amz-security-token header disagrees with the scope, the payload
/// hash or the credentials.
Result<Signed> sign(const Request& request, const Credentials& credentials, const Scope& scope);

/// S3's URI encoding: the unreserved A-Z a-z 0-9 - . _ ~ are kept, every other byte becomes
/// %XX with upper-case hex ("a b" -> "a%20b", "é" -> "%C3%A9"). '/' is kept unless
/// `encode_slash` (true for query names and values, false for an object key's path).
std::string uri_encode(std::string_view text, bool encode_slash);

/// HMAC-SHA256 of `data` under `key`, raw.
std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view data);

} // namespace acp::s3
