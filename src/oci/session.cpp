// The request loop: attempts, pauses, and the words for a request that got no answer.

#include "session.hpp"

#include "acpctl/util/log.hpp"
#include "url.hpp"

#include <fmt/format.h>
#include <thread>

namespace acp::oci::detail {

namespace {

std::chrono::milliseconds backoff(int retry) {
  return std::chrono::milliseconds(500) * (1 << std::min(retry - 1, 6));
}

bool is_transient(util::detail::TransferFailure failure) {
  using util::detail::TransferFailure;
  return failure == TransferFailure::timeout || failure == TransferFailure::dropped;
}

// The error of a request that got no answer from `peer`.
Error no_answer(util::detail::HttpTransfer& t, const std::string& peer, const Registry& registry) {
  using util::detail::TransferFailure;
  const std::string& why = t.detail;
  switch (t.failure) {
  case TransferFailure::local:
    return t.local_error ? std::move(*t.local_error) : Error(Errc::failed, "the request failed");
  case TransferFailure::timeout:
    return Error(Errc::timeout, fmt::format("{} made no progress for {}s ({})", peer,
                                            registry.timeout.count(), why))
        .with_hint("check that the registry runs and the network to it, or allow more time");
  case TransferFailure::dropped:
    return Error(Errc::connect, fmt::format("cannot reach {} ({})", peer, why))
        .with_hint("check that the registry runs and listens on " + registry.host +
                   ", and that no firewall stands between");
  case TransferFailure::tls:
    return Error(Errc::connect, fmt::format("TLS with {} failed: its certificate is not trusted "
                                            "or does not name {} ({})",
                                            peer, registry.host, why))
        .with_hint(registry.ca_file.empty()
                       ? "give the CA that signed the registry's certificate (a CA file)"
                       : "check that " + registry.ca_file +
                             " holds the CA that signed the registry's certificate");
  default:
    return Error(Errc::connect, fmt::format("talking to {} failed ({})", peer, why));
  }
}

} // namespace

Session::Session(Registry registry, Sleep sleep)
    : m_registry(std::move(registry)), m_name(describe(m_registry)), m_base(base_url(m_registry)),
      m_sleep(std::move(sleep)) {
  if (!m_sleep)
    m_sleep = [](std::chrono::milliseconds pause) { std::this_thread::sleep_for(pause); };
  log::add_secret(m_registry.password);
  m_basic_value = basic_credentials(m_registry.username, m_registry.password);
  log::add_secret(m_basic_value);
}

Result<HttpAnswer> Session::exchange(CurlEasy& easy, const util::detail::HttpRequest& request,
                                     bool retry, const std::string& peer, bool* transient_out) {
  const util::detail::HttpSettings settings{true, m_registry.ca_file, m_registry.timeout};
  for (int retries = 0;; ++retries) {
    log::debug(fmt::format("oci: {} {}", request.method, request.url));
    auto t = util::detail::http_transfer(easy, settings, request);
    const bool failed = t.failure != util::detail::TransferFailure::none;
    const bool again = failed ? is_transient(t.failure) : retryable_status(t.answer.status);
    if (again && retry && retries < k_retries) {
      const auto pause = backoff(retries + 1);
      log::debug(fmt::format("oci: {} {}: {}; again in {} ms", request.method, request.url,
                             failed ? t.detail : "status " + std::to_string(t.answer.status),
                             pause.count()));
      m_sleep(pause);
      continue;
    }
    if (failed && transient_out != nullptr)
      *transient_out = is_transient(t.failure);
    if (failed)
      return no_answer(t, peer, m_registry);
    return std::move(t.answer);
  }
}

Result<HttpAnswer> Session::send(CurlEasy& easy, const Call& call, bool* transient) {
  // Credentials go to the registry's own origin only (a Location may point elsewhere).
  const bool ours = origin(call.url) == m_base;
  bool authenticated = false;
  while (true) {
    util::detail::HttpRequest request{
        call.method, call.url, call.headers, call.body, {-1, call.max_bytes}};
    const auto sent = ours ? authorization(call.scope) : std::nullopt;
    if (sent)
      request.headers.emplace_back("Authorization", *sent);
    auto answer = exchange(easy, request, call.retry, "registry " + m_name, transient);
    if (!answer || answer->status != 401 || !ours)
      return answer;
    if (authenticated)
      return sent && sent->starts_with("Basic ")
                 ? refused_credentials()
                 : Error(Errc::auth, fmt::format("registry {} refused the token its auth service "
                                                 "gave user {} for {}",
                                                 m_name, shown_user(m_registry), call.scope))
                       .with_hint("give the user pull and push rights on the repository");
    if (auto st = authenticate(easy, *answer, call.scope, sent); !st)
      return std::move(st).error();
    authenticated = true;
  }
}

} // namespace acp::oci::detail
