#pragma once
// One HTTP exchange with S3: util's libcurl transfer (util/http_transfer.hpp) with the
// endpoint's settings, its failures told in S3's words with whether they are worth a retry.
// Signing and retrying are the client's (client.cpp); nothing here logs.

#include "acpctl/s3/client.hpp"
#include "util/http_transfer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::s3::detail {

/// What a request sends: a region of an open file (fd >= 0) or text (util's HttpBody).
using Body = util::detail::HttpBody;
/// Where a 2xx answer's body goes (util's HttpSink).
using Sink = util::detail::HttpSink;
/// One request as sent (util's HttpRequest); headers are Fields.
using HttpRequest = util::detail::HttpRequest;

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
