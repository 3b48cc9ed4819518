// The client's request loop: every attempt is signed afresh (the time is part of the
// signature) and sent; time-outs, dropped connections and 5xx answers are tried again after a
// growing pause, 4xx never. Only the method and the address are logged: never a header, so
// never the Authorization header.

#include "acpctl/util/log.hpp"
#include "client_impl.hpp"
#include "url.hpp"

#include <ctime>
#include <fmt/format.h>
#include <thread>

namespace acp::s3 {

namespace {

std::string amz_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[20] = {};
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

std::chrono::milliseconds backoff(int attempt) {
  return std::chrono::milliseconds(500) * (1 << std::min(attempt - 1, 6));
}

} // namespace

bool retryable_status(long status) {
  return status >= 500 && status <= 599 && status != 501;
}

Client::Client(Endpoint endpoint, Credentials credentials)
    : m_impl(std::make_unique<Impl>(Impl{std::move(endpoint), std::move(credentials),
                                         [](auto pause) { std::this_thread::sleep_for(pause); }})) {
  while (m_impl->endpoint.url.ends_with('/'))
    m_impl->endpoint.url.pop_back();
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

std::string Client::describe(std::string_view key) const {
  return m_impl->s3_url(key) + " at " + m_impl->endpoint.url;
}

const Endpoint& Client::endpoint() const {
  return m_impl->endpoint;
}

std::string Client::Impl::s3_url(std::string_view key) const {
  return "s3://" + endpoint.bucket + "/" + std::string(key);
}

Result<detail::HttpResponse> Client::Impl::send(const Call& call, std::string_view doing) const {
  auto target = detail::make_target(endpoint, call.key, call.query);
  if (!target)
    return std::move(target).error().context(std::string(doing));
  Request request{call.method, target->path, call.query, call.headers, call.payload_hash};
  request.headers.emplace_back("host", target->host);
  const int attempts = std::max(1, endpoint.attempts);
  for (int attempt = 1;; ++attempt) {
    auto signed_request = sign(request, credentials, Scope{endpoint.region, "s3", amz_timestamp()});
    if (!signed_request)
      return std::move(signed_request).error().context(std::string(doing));
    detail::HttpRequest http{call.method, target->url, request.headers, call.body, call.sink};
    for (auto& header : signed_request->headers_to_add)
      http.headers.push_back(std::move(header));
    http.headers.emplace_back("authorization", std::move(signed_request->authorization));
    log::debug(fmt::format("s3: {} {}", call.method, target->url));
    auto transfer = detail::perform(endpoint, http);
    const bool again =
        transfer.error ? transfer.transient : retryable_status(transfer.response.status);
    if (again && attempt < attempts) {
      const auto pause = backoff(attempt);
      log::debug(fmt::format("s3: {}: {}; attempt {} of {} in {} ms", doing,
                             transfer.error ? transfer.error->message()
                                            : "status " + std::to_string(transfer.response.status),
                             attempt + 1, attempts, pause.count()));
      sleep(pause);
      continue;
    }
    if (transfer.error)
      return std::move(*transfer.error).context(std::string(doing));
    return std::move(transfer.response);
  }
}

Result<detail::HttpResponse> Client::Impl::send_ok(const Call& call, std::string_view doing) const {
  auto response = send(call, doing);
  if (response && (response->status < 200 || response->status > 299))
    return response_error(response->status, response->body, endpoint, doing);
  return response;
}

} // namespace acp::s3
