#pragma once
// Client's insides, shared by client.cpp (signing, retries), objects.cpp (get, list, remove)
// and put_file.cpp (single PUT and multipart).

#include "acpctl/s3/client.hpp"
#include "file_region.hpp"
#include "http.hpp"
#include "parse.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace acp::s3 {

/// One S3 operation as the client sends it: signed afresh and retried by Impl::send.
struct Call {
  std::string method;
  std::string key; ///< empty: the bucket itself
  std::vector<Field> query;
  std::vector<Field> headers; ///< extra headers to sign and send (content-type)
  detail::Body body;
  std::string payload_hash; ///< hex sha256 of the body
  detail::Sink sink;
};

struct Client::Impl {
  Endpoint endpoint;
  Credentials credentials;
  /// How the client waits between attempts (std::this_thread::sleep_for).
  std::function<void(std::chrono::milliseconds)> sleep;

  /// "s3://BUCKET/KEY", for the `doing` of messages.
  std::string s3_url(std::string_view key) const;
  /// Sends `call` up to endpoint.attempts times: again after 0.5 s, 1 s, 2 s, ... on a 5xx
  /// answer (but 501), a time-out or a dropped connection. Returns the final answer, whatever
  /// its status; fails when there was none (the last attempt's error, after `doing`).
  Result<detail::HttpResponse> send(const Call& call, std::string_view doing) const;
  /// send(), then response_error() unless the status is 2xx.
  Result<detail::HttpResponse> send_ok(const Call& call, std::string_view doing) const;

  // put_file's steps (put_file.cpp, multipart.cpp); `doing` names the file and the object.
  Result<PutResult> put_single(const std::string& key, const detail::InputFile& input,
                               const std::filesystem::path& file, const PutOptions& options,
                               const std::string& doing) const;
  Result<PutResult> put_multipart(const std::string& key, const detail::InputFile& input,
                                  const std::filesystem::path& file, const PutOptions& options,
                                  const std::string& doing) const;
  /// The id of the latest unfinished multipart upload of exactly `key`; "" when there is none
  /// or the server cannot list them (s3rver answers 501).
  Result<std::string> find_upload(const std::string& key, const std::string& doing) const;
  /// The parts `upload_id` holds; nullopt when the upload is gone or the server cannot list
  /// its parts.
  Result<std::optional<std::vector<detail::PartInfo>>>
  list_parts(const std::string& key, const std::string& upload_id, const std::string& doing) const;
  Result<std::string> start_upload(const std::string& key, const std::string& doing) const;
  /// Sends one part; returns its ETag without quotes.
  Result<std::string> upload_part(const std::string& key, const std::string& upload_id, int number,
                                  const detail::Body& body, const std::string& sha256,
                                  const std::string& doing) const;
  Status complete_upload(const std::string& key, const std::string& upload_id,
                         const std::vector<std::string>& etags, const std::string& doing) const;
};

/// Whether a status is worth another attempt: 5xx but 501 Not Implemented.
bool retryable_status(long status);

} // namespace acp::s3
