#pragma once
// The API server as the kube functions talk to it: one Session per call of theirs, with one
// curl handle (its connection kept across the requests of a poll). Requests that got no answer,
// a 5xx or a 429 are sent again (when allowed); only method, path and status are logged.

#include "acpctl/kube/api.hpp"
#include "util/http_transfer.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace acp::kube::detail {

using util::detail::HttpAnswer;

/// Attempts after the first for a request that got no answer, a 5xx (but 501) or a 429.
inline constexpr int k_retries = 3;

/// One request to the API server.
struct Call {
  std::string method{};
  std::string path{};         ///< absolute path and query ("/api/v1/nodes/n1")
  std::string body{};         ///< JSON, or empty
  std::string content_type{}; ///< of the body
  bool retry = true;          ///< false: the caller handles 429 and 5xx itself
  bool secret = false;        ///< the request is about a Secret: no server message in errors
};

class Session {
public:
  /// Registers the client key with log::add_secret.
  explicit Session(const ApiTarget& target);

  /// describe(target), for messages.
  const std::string& name() const { return m_name; }
  /// The server's host, for Error::with_host.
  const std::string& host() const { return m_host; }

  /// Sends `call`; returns the final answer whatever its status. Fails with Errc::invalid_input
  /// for a target without an https:// server or a CA, Errc::timeout or Errc::connect when
  /// there was no answer, naming the server, with its host.
  Result<HttpAnswer> send(const Call& call);

  /// An error naming the server, with its host.
  Error error(Errc code, const std::string& message) const;
  /// The error for an unexpected answer to `doing`: the status, the server's reason and (unless
  /// `secret`) message, and what to do.
  Error answer_error(const HttpAnswer& answer, std::string_view doing, bool secret = false) const;
  /// The answer's body as JSON; Errc::failed naming `doing` when it is none.
  Result<nlohmann::json> json_body(const HttpAnswer& answer, std::string_view doing) const;

private:
  const ApiTarget& m_target;
  std::string m_name;
  std::string m_host;
  std::optional<Error> m_invalid; ///< why the target cannot be used
  util::detail::CurlEasy m_easy;
};

/// object_ref(object, kinds); its error names the server the object was meant for, with the
/// server's host.
Result<ObjectRef> target_ref(const ApiTarget& target, const nlohmann::json& object,
                             const KindTable& kinds);

} // namespace acp::kube::detail
