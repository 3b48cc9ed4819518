// S3's side of util's libcurl transfer: the endpoint's settings in, the ETag and S3's words for a
// failure out.

#include "http.hpp"

#include <fmt/format.h>

namespace acp::s3::detail {

namespace {

// The failure of a transfer that got no complete answer, naming the endpoint.
Transfer failed(const util::detail::HttpTransfer& transfer, const Endpoint& endpoint) {
  using util::detail::TransferFailure;
  const std::string& why = transfer.detail;
  Transfer t;
  switch (transfer.failure) {
  case TransferFailure::timeout:
    t.error = Error(Errc::timeout, fmt::format("S3 at {} did not answer (no progress for {}s: {})",
                                               endpoint.url, endpoint.timeout.count(), why));
    t.transient = true;
    break;
  case TransferFailure::dropped:
    t.error = Error(Errc::connect,
                    fmt::format("the connection to S3 at {} failed ({})", endpoint.url, why));
    t.transient = true;
    break;
  case TransferFailure::tls:
    t.error = Error(Errc::connect, fmt::format("TLS with S3 at {} failed ({})", endpoint.url, why))
                  .with_hint("trust the CA that signed the endpoint's certificate (the system's CA "
                             "store, or a CA file), or set skipTLSVerify where that is acceptable");
    break;
  default:
    t.error =
        Error(Errc::connect, fmt::format("talking to S3 at {} failed ({})", endpoint.url, why));
  }
  return t;
}

} // namespace

Transfer perform(const Endpoint& endpoint, const HttpRequest& request) {
  util::detail::CurlEasy easy;
  auto transfer = util::detail::http_transfer(
      easy, {endpoint.verify_tls, endpoint.ca_file, endpoint.timeout}, request);
  if (transfer.failure == util::detail::TransferFailure::local) {
    Error error = transfer.local_error ? std::move(*transfer.local_error)
                                       : Error(Errc::failed, "the request failed");
    if (error.code() == Errc::failed)
      error = Error(Errc::failed, "setting up the request to S3 at " + endpoint.url + " failed");
    return {{}, std::move(error), false};
  }
  if (transfer.failure != util::detail::TransferFailure::none)
    return failed(transfer, endpoint);
  HttpResponse response{transfer.answer.status, std::move(transfer.answer.body),
                        std::string(transfer.answer.header("etag"))};
  return {std::move(response), std::nullopt, false};
}

} // namespace acp::s3::detail
