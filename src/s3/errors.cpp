// S3's error answers turned into Errors that say what to do. Only <Code>, <Message> and <Key>
// are read from the body: S3's SignatureDoesNotMatch body also echoes the string to sign and
// the access key id, which help nobody reading a message. The secret is never in a request
// S3 could echo, and what S3 says is still masked (log::redact) and quoted.

#include "acpctl/s3/client.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"
#include "parse.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::s3 {

namespace {

constexpr std::string_view k_credentials_hint =
    "check spec.etcdBackup.remoteStorage.s3 accessKey and secretKey (fromEnv / fromFile): the "
    "access key must exist at {} and be allowed to use bucket \"{}\"";

bool is_word(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

// "403 InvalidAccessKeyId: "The AWS Access Key Id ..."": what S3 said, made safe to print.
std::string said(long status, const detail::ErrorFields& fields) {
  std::string text = std::to_string(status);
  if (!fields.code.empty())
    text += " " + (is_word(fields.code) ? fields.code : util::quoted(fields.code, 60));
  if (!fields.message.empty())
    text += ": " + util::quoted(log::redact(fields.message), 300);
  return text;
}

bool is_credentials_code(std::string_view code) {
  return code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId" ||
         code == "AccessDenied" || code == "InvalidToken" || code == "ExpiredToken";
}

} // namespace

Error response_error(long status, std::string_view body, const Endpoint& endpoint,
                     std::string_view doing) {
  const auto fields = detail::parse_error(body);
  const std::string bucket = util::quoted(endpoint.bucket);
  const std::string prefix = doing.empty() ? std::string() : std::string(doing) + ": ";
  const std::string answer = said(status, fields);
  if (fields.code == "RequestTimeTooSkewed")
    return Error(Errc::auth, fmt::format("{}S3 at {} refused the request's time ({})", prefix,
                                         endpoint.url, answer))
        .with_hint("this workstation's clock is more than 15 minutes off: sync it with NTP "
                   "(timedatectl set-ntp true, or chronyc makestep) and try again");
  if (status == 403 && (is_credentials_code(fields.code) || fields.code.empty()))
    return Error(Errc::auth, fmt::format("{}S3 at {} refused the credentials for bucket {} ({})",
                                         prefix, endpoint.url, bucket, answer))
        .with_hint(fmt::format(fmt::runtime(k_credentials_hint), endpoint.url, endpoint.bucket));
  if (fields.code == "NoSuchBucket")
    return Error(Errc::failed, fmt::format("{}the bucket {} does not exist at {} ({})", prefix,
                                           bucket, endpoint.url, answer))
        .with_hint("create the bucket, or fix spec.etcdBackup.remoteStorage.s3 bucket (and url, "
                   "region)");
  if (fields.code == "NoSuchKey") {
    const std::string object =
        fields.key.empty() ? "the object" : "the object " + util::quoted(fields.key);
    return Error(Errc::failed, fmt::format("{}{} does not exist in bucket {} at {} ({})", prefix,
                                           object, bucket, endpoint.url, answer));
  }
  return Error(Errc::failed, fmt::format("{}S3 at {} answered {} for bucket {}", prefix,
                                         endpoint.url, answer, bucket));
}

} // namespace acp::s3
