#pragma once
// One HTTP exchange on libcurl, private to src/ and shared by the S3, OCI and Kubernetes
// clients: sends a body (text, or a region of an open file read with pread, so a retry starts
// again from the region's start, and an observer may see every byte read), receives into memory
// (capped) or into a file, keeps the final answer's headers, and classifies a failure to get
// any answer. TLS trust and a client certificate may come from files or from memory.
// Retries, authentication and messages are the clients'; nothing here logs.

#include "acpctl/util/error.hpp"
#include "curl.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acp::util::detail {

/// A header or query field: name and value.
using HttpField = std::pair<std::string, std::string>;

/// Sees a file body's bytes as they are read: where in the file they start, and the bytes. A
/// failed Status aborts the transfer with that error. Bytes sent again (a rewind) are seen again.
using BodyObserver = std::function<Status(std::uint64_t offset, std::string_view bytes)>;

/// What a request sends: a region of an open file (fd >= 0) or `text`.
struct HttpBody {
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::string_view text;
  BodyObserver observe{}; ///< only for a file body; may be empty

  std::uint64_t size() const { return fd >= 0 ? length : text.size(); }
};

/// Where a 2xx answer's body goes: written to `fd` from its start (truncated first), or kept in
/// memory up to `max_bytes`. Error answers always go to memory (their first 64 KiB).
struct HttpSink {
  int fd = -1;
  std::size_t max_bytes = std::size_t{4} << 20;
};

struct HttpRequest {
  std::string method; ///< GET, HEAD, PUT, POST, PATCH, DELETE
  std::string url;
  std::vector<HttpField> headers; ///< sent as "name: value"
  HttpBody body;
  HttpSink sink;
};

/// How to reach the server.
struct HttpSettings {
  bool verify_tls = true; ///< peer and host name
  std::string ca_file;    ///< a CA bundle; empty: the system's
  /// To connect, and the longest time without progress before the transfer fails.
  std::chrono::seconds timeout{60};
  /// In-memory PEMs (each must outlive the transfer). ca_pem, when set, is the only trust:
  /// it replaces ca_file and the system's CAs. The client pair is for mutual TLS; the key is
  /// secret and never appears in a failure's detail.
  std::string_view ca_pem{};
  std::string_view client_cert_pem{};
  std::string_view client_key_pem{};
};

/// The final answer (after any "100 Continue").
struct HttpAnswer {
  long status = 0;
  std::string body;               ///< unless written to HttpSink::fd
  std::vector<HttpField> headers; ///< names lower-case, values without surrounding space

  /// The first value of the header `lower_name`; "" when there is none.
  std::string_view header(std::string_view lower_name) const;
};

/// Why there was no complete answer.
enum class TransferFailure {
  none,
  timeout, ///< no progress for the settings' time-out (or could not connect in it)
  dropped, ///< refused or dropped connection, nothing or half an answer
  tls,     ///< the TLS handshake or the certificate's verification failed
  local,   ///< ours: reading the body, writing the sink, the size cap, an observer
  other,   ///< anything else libcurl reports (a name that does not resolve, ...)
};

/// One attempt: the answer, or why there was none.
struct HttpTransfer {
  HttpAnswer answer;
  TransferFailure failure = TransferFailure::none;
  std::string detail;               ///< libcurl's words for the failure
  std::optional<Error> local_error; ///< the error of TransferFailure::local
};

/// Sends `request` once on `easy` (reset first; its open connections are kept for reuse) with
/// `settings`' TLS and time-outs. Neither the failure's detail nor any error holds a header.
HttpTransfer http_transfer(CurlEasy& easy, const HttpSettings& settings,
                           const HttpRequest& request);

} // namespace acp::util::detail
