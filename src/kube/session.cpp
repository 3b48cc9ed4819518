// The request loop: the target checked once, attempts and pauses, and the words for a request
// that got no answer.

#include "session.hpp"

#include "acpctl/util/log.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <thread>

namespace acp::kube::detail {

namespace {

std::chrono::milliseconds backoff(int retry) {
  return std::chrono::milliseconds(500) * (1 << std::min(retry - 1, 4));
}

bool retryable(long status) {
  return (status >= 500 && status <= 599 && status != 501) || status == 429;
}

bool is_transient(util::detail::TransferFailure failure) {
  using util::detail::TransferFailure;
  return failure == TransferFailure::timeout || failure == TransferFailure::dropped;
}

std::optional<Error> check_target(const ApiTarget& target) {
  if (host_of(target).empty())
    return Error(Errc::invalid_input,
                 fmt::format("{} is no https:// URL of an API server", describe(target)))
        .with_hint("give the server as https://HOST:PORT, e.g. https://10.0.0.10:6443");
  if (target.ca_pem.empty())
    return Error(Errc::invalid_input, fmt::format("no CA certificate for {}", describe(target)))
        .with_host(host_of(target))
        .with_hint("give the cluster CA (PEM): the server is always verified against it");
  return std::nullopt;
}

// The error of a request that got no answer from the server.
Error no_answer(util::detail::HttpTransfer& t, const Session& s, const ApiTarget& target) {
  using util::detail::TransferFailure;
  const std::string& why = t.detail;
  switch (t.failure) {
  case TransferFailure::local:
    return t.local_error ? std::move(*t.local_error) : s.error(Errc::failed, "the request failed");
  case TransferFailure::timeout:
    return s
        .error(Errc::timeout, fmt::format("{} made no progress for {}s ({})", s.name(),
                                          target.timeout.count(), why))
        .with_hint("check that the API server runs on " + s.host() +
                   " and the network to it, or allow more time");
  case TransferFailure::dropped:
    return s.error(Errc::connect, fmt::format("cannot reach {} ({})", s.name(), why))
        .with_hint("check that the API server runs and listens on " + s.host() +
                   ", and that no firewall stands between");
  case TransferFailure::tls:
    return s
        .error(Errc::connect,
               fmt::format("TLS with {} failed: its certificate is not signed by the "
                           "cluster CA or does not name {}, or acpctl's client "
                           "certificate was refused ({})",
                           s.name(), s.host(), why))
        .with_hint("check that the CA and the admin certificate are the cluster's, and that "
                   "the API server's certificate has " +
                   s.host() + " among its SANs");
  default:
    return s.error(Errc::connect, fmt::format("talking to {} failed ({})", s.name(), why));
  }
}

} // namespace

Session::Session(const ApiTarget& target)
    : m_target(target), m_name(describe(target)), m_host(host_of(target)),
      m_invalid(check_target(target)) {
  log::add_secret(m_target.client_key_pem);
}

Error Session::error(Errc code, const std::string& message) const {
  return Error(code, message).with_host(m_host);
}

Result<HttpAnswer> Session::send(const Call& call) {
  if (m_invalid)
    return *m_invalid;
  util::detail::HttpSettings settings;
  settings.timeout = m_target.timeout;
  settings.ca_pem = m_target.ca_pem;
  settings.client_cert_pem = m_target.client_cert_pem;
  settings.client_key_pem = m_target.client_key_pem;
  util::detail::HttpRequest request{call.method, m_target.server + call.path, {}, {}, {}};
  request.headers = {{"Accept", "application/json"}, {"Expect", ""}};
  if (!call.body.empty())
    request.headers.emplace_back("Content-Type", call.content_type);
  request.body.text = call.body;
  for (int retries = 0;; ++retries) {
    auto t = util::detail::http_transfer(m_easy, settings, request);
    const bool failed = t.failure != util::detail::TransferFailure::none;
    const bool again = failed ? is_transient(t.failure) : retryable(t.answer.status);
    log::debug(fmt::format("kube: {} {}: {}", call.method, call.path,
                           failed ? "no answer" : std::to_string(t.answer.status)));
    if (again && call.retry && retries < k_retries) {
      std::this_thread::sleep_for(backoff(retries + 1));
      continue;
    }
    if (failed)
      return no_answer(t, *this, m_target);
    return std::move(t.answer);
  }
}

} // namespace acp::kube::detail
