#pragma once
// One HTTP exchange with S3 on libcurl: sends a body (text, or a region of an open file read
// with pread, so a retry starts again from the region's start), receives into memory (capped)
// or into a file, and reports a failure to get any answer with whether it is worth a retry.
// Signing and retrying are the client's (client.cpp); nothing here logs.

#include "acpctl/s3/client.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::s3::detail {

/// What a request sends: a region of an open file (fd >= 0) or `text`.
struct Body {
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::string_view text;

  std::uint64_t size() const { return fd >= 0 ? length : text.size(); }
};

/// Where a 2xx answer's body goes: written to `fd` from its start (truncated first), or kept in
/// memory up to `max_bytes`. Error answers always go to memory.
struct Sink {
  int fd = -1;
  std::size_t max_bytes = std::size_t{4} << 20;
};

struct HttpRequest {
  std::string method; ///< GET, PUT, POST, DELETE
  std::string url;
  std::vector<Field> headers; ///< sent as "name: value"
  Body body;
  Sink sink;
};

struct HttpResponse {
  long status = 0;
  std::string body; ///< the answer's body unless written to Sink::fd
  std::string etag; ///< the ETag header, quotes kept
};

/// One attempt: the answer, or why there was none.
struct Transfer {
  HttpResponse response;
  std::optional<Error> error; ///< no complete answer: time-out, connection, TLS, local I/O
  bool transient = false;     ///< the error is a time-out or a dropped connection
};

/// Sends `request` once with the endpoint's TLS settings and time-outs (connect, and no
/// progress for endpoint.timeout). Errors name the endpoint URL, never a header.
Transfer perform(const Endpoint& endpoint, const HttpRequest& request);

} // namespace acp::s3::detail
