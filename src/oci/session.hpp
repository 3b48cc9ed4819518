#pragma once
// The registry as push, ping and remote_digest talk to it: one Session per call of theirs,
// shared by the worker threads of a push (each with its own curl handle). It sends a request
// anonymously first, answers a 401 by the registry's WWW-Authenticate (Basic: the credentials
// on every later request; Bearer: a token per scope from the realm, kept for the scope), and
// sends again what got no answer, a 5xx or a 429. Only the method and the URL are logged; the
// Authorization header goes to the registry's own origin only, never into a URL.

#include "acpctl/oci/registry.hpp"
#include "challenge.hpp"
#include "manifest.hpp"
#include "util/http_transfer.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::oci::detail {

using util::detail::CurlEasy;
using util::detail::HttpAnswer;

/// Attempts after the first for a request that got no answer, a 5xx (but 501) or a 429.
inline constexpr int k_retries = 3;

/// One request to the registry.
struct Call {
  std::string method;
  std::string url; ///< absolute; Session::url() for the registry's own paths
  std::vector<util::detail::HttpField> headers{};
  util::detail::HttpBody body{};
  std::size_t max_bytes = k_max_manifest; ///< of a 2xx answer's body
  std::string scope{}; ///< the token scope ("repository:acp/x:pull,push"); "" for /v2/
  /// Whether an attempt that failed may simply be sent again. False for blob data sent to an
  /// upload session, which a half-sent attempt leaves in an unknown state (the caller starts
  /// the upload again instead).
  bool retry = true;
};

/// "Basic base64(user:password)"; "" when `user` is empty.
std::string basic_credentials(std::string_view user, std::string_view password);
/// The user for messages: quoted, or "(anonymous)".
std::string shown_user(const Registry& registry);

/// Whether an answer is worth another attempt: 5xx but 501, and 429 Too Many Requests.
bool retryable_status(long status);

class Session {
public:
  /// How the session waits between attempts (std::this_thread::sleep_for; tests pass another).
  using Sleep = std::function<void(std::chrono::milliseconds)>;

  /// Registers the password with log::add_secret.
  explicit Session(Registry registry, Sleep sleep = {});

  const Registry& registry() const { return m_registry; }
  /// describe(registry), for messages.
  const std::string& name() const { return m_name; }
  /// The registry's URL of `path` ("/v2/acp/x/blobs/uploads/").
  std::string url(std::string_view path) const { return m_base + std::string(path); }

  /// Sends `call` on `easy`, authenticating once on a 401 and trying again as Call::retry
  /// allows (after 0.5, 1, 2 s). Returns the final answer whatever its status, but for a 401
  /// after authenticating: Errc::auth naming the registry and the user. Fails when there was
  /// no answer: Errc::timeout, Errc::connect (refused, dropped, TLS) naming the registry; then
  /// `*transient`, when given, says whether it was a time-out or a dropped connection.
  Result<HttpAnswer> send(CurlEasy& easy, const Call& call, bool* transient = nullptr);

private:
  // One request, sent again (when `retry`) while it gets no answer, a 5xx or a 429. `peer`
  // names the server in errors.
  Result<HttpAnswer> exchange(CurlEasy& easy, const util::detail::HttpRequest& request, bool retry,
                              const std::string& peer, bool* transient = nullptr);
  // The Authorization value for a request in `scope`: Basic once the registry asked for it,
  // the scope's token once there is one; nullopt before the registry asked.
  std::optional<std::string> authorization(const std::string& scope);
  // Answers the 401 `refusal`; `sent` is the Authorization the refused request carried.
  Status authenticate(CurlEasy& easy, const HttpAnswer& refusal, const std::string& scope,
                      const std::optional<std::string>& sent);
  Status use_bearer(CurlEasy& easy, const Challenge& challenge, const std::string& scope);
  Result<std::string> fetch_token(CurlEasy& easy, const Challenge& challenge,
                                  const std::string& scope);
  Error refused_credentials() const;
  Error needs_credentials() const;

  Registry m_registry;
  std::string m_name;
  std::string m_base;
  std::string m_basic_value; ///< "Basic base64(user:password)"; "" without a user
  Sleep m_sleep;
  std::mutex m_mutex; ///< guards what follows
  bool m_basic = false;
  std::map<std::string, std::string> m_tokens; ///< scope -> "Bearer <token>"
};

/// The error for an answer that is not the expected one: names the registry, what was being
/// done and the registry's own error ({"errors":[{"code","message"}]}), and says what to do
/// (403: access rights; 404: the repository or tag; 5xx: the registry's log).
Error answer_error(const Session& session, const HttpAnswer& answer, std::string_view doing);

} // namespace acp::oci::detail
