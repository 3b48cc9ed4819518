#pragma once
// An S3 client on libcurl: objects put (one PUT, or a multipart upload that resumes part by
// part), listed, fetched and removed, every request signed with sign() (sigv4.hpp). Retries
// with backoff on 5xx, time-outs and dropped connections only; 4xx answers become Errors
// that name the bucket and the endpoint and say what to do (403: credentials or signature,
// 404: no such bucket, clock skew), never the secret.
//
// Nothing here reads a config or a secret: the caller resolves the credentials (fromEnv /
// fromFile) and registers the secret with log::add_secret.

#include "acpctl/s3/sigv4.hpp"
#include "acpctl/util/error.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace acp::s3 {

/// Where the bucket is and how to reach it.
struct Endpoint {
  /// Scheme, host and optional port, no path: "https://s3.example.com",
  /// "http://127.0.0.1:4568".
  std::string url;
  std::string region = "us-east-1";
  std::string bucket;
  /// true: URL/bucket/key; false: virtual-hosted, scheme://bucket.host/key.
  bool path_style = true;
  bool verify_tls = true; ///< false only with skipTLSVerify
  std::string ca_file;    ///< an extra CA bundle; empty: the system's
  /// A request fails as a time-out after this long without progress (and to connect).
  std::chrono::seconds timeout{60};
  int attempts = 4; ///< tries per request on 5xx / time-out / dropped connection
};

/// Whether to use path style for `url` when the config does not say: virtual-hosted for
/// AWS's own endpoints (*.amazonaws.com), path style for every other (MinIO, Ceph, ...).
bool default_path_style(std::string_view url);

/// One object as a listing shows it.
struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::int64_t modified = 0; ///< seconds since 1970 (LastModified)
  std::string etag;          ///< without quotes
};

struct PutOptions {
  /// Files up to this size go in one PUT; larger ones as a multipart upload of parts of
  /// this size (S3 wants at least 5 MiB per part but the last).
  std::uint64_t part_size = 64ull << 20;
  /// Called after each part (or the single PUT) with bytes sent so far and the total.
  std::function<void(std::uint64_t sent, std::uint64_t total)> progress;
};

struct PutResult {
  std::uint64_t bytes = 0;
  bool multipart = false;
  int parts_sent = 0;
  int parts_reused = 0; ///< parts an interrupted upload had already sent (same MD5)
};

class Client {
public:
  Client(Endpoint endpoint, Credentials credentials);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  /// Uploads `file` to `key`, streamed from disk (never read whole into memory). Above
  /// part_size: a multipart upload; an unfinished multipart upload of the same key (from an
  /// interrupted run) is resumed, keeping its parts whose ETag equals the local part's MD5.
  /// A failed multipart upload is left for the next run to resume, not aborted.
  Result<PutResult> put_file(const std::string& key, const std::filesystem::path& file,
                             const PutOptions& options = {});
  /// Uploads a small object held in memory.
  Status put_text(const std::string& key, std::string_view content);
  /// Every object whose key starts with `prefix` (ListObjectsV2, all pages).
  Result<std::vector<ObjectInfo>> list(const std::string& prefix);
  /// Downloads `key` into `local`: a temp file beside it, renamed when complete.
  Status get_file(const std::string& key, const std::filesystem::path& local);
  /// A small object's content; fails when it is larger than `max_bytes`.
  Result<std::string> get_text(const std::string& key, std::size_t max_bytes = 1 << 20);
  /// Removes `key`; an object that is already gone is not an error.
  Status remove(const std::string& key);

  /// "s3://BUCKET/KEY at URL" (for messages).
  std::string describe(std::string_view key = {}) const;
  const Endpoint& endpoint() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// The Error for an S3 error answer: `status` and the XML body (<Error><Code>...). 403 with
/// SignatureDoesNotMatch / InvalidAccessKeyId / AccessDenied -> Errc::auth naming the
/// bucket and endpoint with a hint about the credentials; RequestTimeTooSkewed -> a hint to
/// fix the clock; 404 NoSuchBucket -> the bucket does not exist; NoSuchKey -> the object.
/// `doing` says what was being done ("uploading s3://b/k").
Error response_error(long status, std::string_view body, const Endpoint& endpoint,
                     std::string_view doing);

} // namespace acp::s3
