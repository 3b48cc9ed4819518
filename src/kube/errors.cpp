// How messages name the API server, and what an answer that is not the expected one means
// for the user: the status, the server's own reason (a Status object) and what to do.

#include "acpctl/util/strings.hpp"
#include "session.hpp"

#include <fmt/format.h>

namespace acp::kube {

std::string describe(const ApiTarget& target) {
  return "API server " + target.server;
}

std::string host_of(const ApiTarget& target) {
  constexpr std::string_view scheme = "https://";
  std::string_view rest = target.server;
  if (!rest.starts_with(scheme))
    return {};
  rest.remove_prefix(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    return close == std::string_view::npos ? std::string() : std::string(rest.substr(1, close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

namespace detail {

namespace {

// The string field `key` of a Status answer; "" when there is none.
std::string status_field(const nlohmann::json& status, const char* key) {
  if (status.is_object() && status.contains(key) && status[key].is_string())
    return status[key].get<std::string>();
  return {};
}

std::string hint_for(long status) {
  switch (status) {
  case 401:
    return "the API server does not accept acpctl's client certificate: check that the cluster "
           "CA signed it and that it has not expired (acpctl certs check)";
  case 403:
    return "acpctl's certificate lacks the rights: use the admin certificate (O system:masters)";
  case 404:
    return "the object or its kind is not there: check the name, the namespace, and that its "
           "CustomResourceDefinition is applied";
  case 409:
    return "another field manager owns these fields: apply with force, or change that owner";
  case 422:
    return "the server refused the object as invalid: fix the manifest";
  case 429:
    return "the API server limits how fast it is asked: try again later";
  default:
    return status >= 500 ? "the API server failed: see its log, then try again"
                         : "see the API server's log for why it refused the request";
  }
}

Errc code_for(long status) {
  if (status == 401 || status == 403)
    return Errc::auth;
  if (status == 409)
    return Errc::conflict;
  return Errc::failed;
}

} // namespace

Error Session::answer_error(const HttpAnswer& answer, std::string_view doing, bool secret) const {
  const auto body = nlohmann::json::parse(answer.body, nullptr, false);
  std::string message = fmt::format("{} answered {} to {}", m_name, answer.status, doing);
  const std::string reason = status_field(body, "reason");
  // A Secret's message may quote a value of its data; its reason never does.
  const std::string own = secret ? std::string() : status_field(body, "message");
  std::string said = reason;
  if (!own.empty())
    said += (said.empty() ? "" : ": ") + util::quoted(own, 400);
  if (!said.empty())
    message += " (" + said + ")";
  return error(code_for(answer.status), message).with_hint(hint_for(answer.status));
}

Result<ObjectRef> target_ref(const ApiTarget& target, const nlohmann::json& object,
                             const KindTable& kinds) {
  auto ref = object_ref(object, kinds);
  if (!ref)
    return std::move(ref).error().context(describe(target)).with_host(host_of(target));
  return ref;
}

Result<nlohmann::json> Session::json_body(const HttpAnswer& answer, std::string_view doing) const {
  auto body = nlohmann::json::parse(answer.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return error(Errc::failed, fmt::format("{} answered {} with no JSON object", m_name, doing))
        .with_hint("check that the server is a Kubernetes API server");
  return body;
}

} // namespace detail

} // namespace acp::kube
