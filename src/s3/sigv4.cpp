// SigV4 for S3: checks the inputs, builds the canonical request and the string to sign,
// derives the signing key from the secret and signs. The steps and their names follow AWS's
// "Signature Calculations for the Authorization Header: Transferring Payload in a Single
// Chunk (AWS Signature Version 4)".

#include "acpctl/s3/sigv4.hpp"

#include "acpctl/util/hash.hpp"
#include "acpctl/util/strings.hpp"
#include "canonical.hpp"

#include <algorithm>
#include <map>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdexcept>

namespace acp::s3 {

namespace {

constexpr std::string_view k_algorithm = "AWS4-HMAC-SHA256";

Error invalid(std::string message) {
  return Error(Errc::invalid_input, "S3 request signing: " + std::move(message));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex_upper(char c) {
  return is_digit(c) || (c >= 'A' && c <= 'F');
}

bool is_hex_lower(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}

bool is_alnum(char c) {
  return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// A scope or credential part: goes between '/' in "Credential=AKID/date/region/s3/...".
bool is_scope_word(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return is_alnum(c) || c == '-' || c == '_' || c == '.';
  });
}

// RFC 9110's token: what a header name or a method may hold.
bool is_token(std::string_view text) {
  static constexpr std::string_view k_extra = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return is_alnum(c) || k_extra.find(c) != std::string_view::npos;
  });
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7F;
  });
}

bool is_timestamp(std::string_view t) {
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z')
    return false;
  for (std::size_t i = 0; i < 15; ++i)
    if (i != 8 && !is_digit(t[i]))
      return false;
  auto field = [&](std::size_t at) { return (t[at] - '0') * 10 + (t[at + 1] - '0'); };
  return field(4) >= 1 && field(4) <= 12 && field(6) >= 1 && field(6) <= 31 && field(9) < 24 &&
         field(11) < 60 && field(13) < 61;
}

// Already encoded by uri_encode(segment, false): unreserved, '/', or %XX upper-case.
bool is_encoded_path(std::string_view path) {
  if (path.empty() || path.front() != '/')
    return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '%') {
      if (i + 2 >= path.size() || !is_hex_upper(path[i + 1]) || !is_hex_upper(path[i + 2]))
        return false;
      i += 2;
    } else if (!is_alnum(c) && std::string_view("-._~/").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool is_payload_hash(std::string_view hash) {
  return hash == k_unsigned_payload ||
         (hash.size() == 64 && std::all_of(hash.begin(), hash.end(), is_hex_lower));
}

// Never names the secret or the session token: only that something is wrong with them.
Status check_credentials_and_scope(const Credentials& credentials, const Scope& scope) {
  if (!is_scope_word(credentials.access_key_id))
    return invalid("the access key id is empty or holds a character other than A-Z a-z 0-9 - _ .");
  if (credentials.secret_access_key.empty())
    return invalid("the secret access key is empty");
  if (has_control(credentials.session_token))
    return invalid("the session token holds a control character");
  if (!is_scope_word(scope.region))
    return invalid("region " + util::quoted(scope.region) + " is not a region name");
  if (!is_scope_word(scope.service))
    return invalid("service " + util::quoted(scope.service) + " is not a service name");
  if (!is_timestamp(scope.timestamp))
    return invalid("timestamp " + util::quoted(scope.timestamp) +
                   " is not UTC in the form yyyymmddThhmmssZ");
  return {};
}

// Header values are never echoed: one may carry a token.
Status check_request(const Request& request) {
  if (!is_token(request.method))
    return invalid("method " + util::quoted(request.method) + " is not an HTTP method");
  if (!is_encoded_path(request.path))
    return invalid("path " + util::quoted(request.path) +
                   " is not an absolute path encoded with s3::uri_encode");
  if (!is_payload_hash(request.payload_hash))
    return invalid("payload hash " + util::quoted(request.payload_hash) +
                   " is neither 64 lower-case hex digits nor UNSIGNED-PAYLOAD");
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name))
      return invalid("header name " + util::quoted(name) + " is not an HTTP header name");
    if (has_control(value))
      return invalid("the value of header " + util::quoted(name) + " holds a control character");
    const auto lower = detail::lower(name);
    if (lower == "authorization")
      return invalid("the request already has an authorization header");
    has_host = has_host || lower == "host";
  }
  if (!has_host)
    return invalid("the request has no host header");
  return {};
}

// Adds a header the signature depends on, or checks that the caller's copy agrees.
Status require_header(std::map<std::string, std::string>& headers, std::vector<Field>& added,
                      const std::string& name, const std::string& value, std::string_view what) {
  const auto it = headers.find(name);
  if (it == headers.end()) {
    headers.emplace(name, value);
    added.emplace_back(name, value);
    return {};
  }
  if (it->second != value)
    return invalid("the request's " + name + " header differs from " + std::string(what));
  return {};
}

// x-amz-date and x-amz-content-sha256 are always signed, x-amz-security-token with a token.
Status require_headers(std::map<std::string, std::string>& headers, std::vector<Field>& added,
                       const Request& request, const Credentials& credentials, const Scope& scope) {
  if (auto status =
          require_header(headers, added, "x-amz-date", scope.timestamp, "the signing timestamp");
      !status.ok())
    return status;
  if (auto status = require_header(headers, added, "x-amz-content-sha256", request.payload_hash,
                                   "the payload hash");
      !status.ok())
    return status;
  if (credentials.session_token.empty())
    return {};
  return require_header(headers, added, "x-amz-security-token", credentials.session_token,
                        "the session token");
}

std::string hex(const std::array<unsigned char, 32>& bytes) {
  return util::to_hex(bytes);
}

std::string_view view(const std::array<unsigned char, 32>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"),
// then the signature is HMAC(kSigning, string to sign). Every key is wiped after use.
std::string signature_of(const std::string& secret, const Scope& scope,
                         const std::string& string_to_sign) {
  std::string seed = "AWS4" + secret;
  auto key = hmac_sha256(seed, std::string_view(scope.timestamp).substr(0, 8));
  OPENSSL_cleanse(seed.data(), seed.size());
  for (const std::string_view part :
       {std::string_view(scope.region), std::string_view(scope.service),
        std::string_view("aws4_request")})
    key = hmac_sha256(view(key), part);
  const auto signature = hmac_sha256(view(key), string_to_sign);
  OPENSSL_cleanse(key.data(), key.size());
  return hex(signature);
}

} // namespace

std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int length = 0;
  const char* key_bytes = key.empty() ? "" : key.data();
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &length) == nullptr ||
      length != out.size())
    throw std::runtime_error("OpenSSL could not compute HMAC-SHA256");
  return out;
}

Result<Signed> sign(const Request& request, const Credentials& credentials, const Scope& scope) {
  if (auto checked = check_credentials_and_scope(credentials, scope); !checked.ok())
    return std::move(checked).error();
  if (auto checked = check_request(request); !checked.ok())
    return std::move(checked).error();

  Signed out;
  auto headers = detail::header_map(request.headers);
  if (auto status = require_headers(headers, out.headers_to_add, request, credentials, scope);
      !status.ok())
    return std::move(status).error();

  const std::string names = detail::signed_header_names(headers);
  out.canonical_request =
      request.method + "\n" + request.path + "\n" + detail::canonical_query(request.query) + "\n" +
      detail::canonical_headers(headers) + "\n" + names + "\n" + request.payload_hash;
  const std::string scope_text =
      scope.timestamp.substr(0, 8) + "/" + scope.region + "/" + scope.service + "/aws4_request";
  out.string_to_sign = std::string(k_algorithm) + "\n" + scope.timestamp + "\n" + scope_text +
                       "\n" + util::sha256_hex(out.canonical_request);
  out.signature = signature_of(credentials.secret_access_key, scope, out.string_to_sign);
  out.authorization = std::string(k_algorithm) + " Credential=" + credentials.access_key_id + "/" +
                      scope_text + ",SignedHeaders=" + names + ",Signature=" + out.signature;
  return out;
}

} // namespace acp::s3
