// What a registry's error answer means for the user: its status, its own error code and message
// (the distribution spec's {"errors":[...]}), and what to do about it.

#include "acpctl/util/strings.hpp"
#include "session.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace acp::oci {

std::string describe(const Registry& registry) {
  if (registry.name.empty() || registry.name == registry.host)
    return registry.host;
  return registry.name + " (" + registry.host + ")";
}

namespace detail {

namespace {

// "CODE: message" of the first error in the body; "" when there is none.
std::string registry_error(std::string_view body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("errors") || !j["errors"].is_array() || j["errors"].empty())
    return {};
  const auto& first = j["errors"][0];
  std::string text;
  if (first.is_object() && first.contains("code") && first["code"].is_string())
    text = first["code"].get<std::string>();
  if (first.is_object() && first.contains("message") && first["message"].is_string())
    text += (text.empty() ? "" : ": ") + first["message"].get<std::string>();
  return text;
}

std::string hint_for(long status, const Registry& registry) {
  if (status == 401 || status == 403)
    return fmt::format("give user {} pull and push rights on the repository", shown_user(registry));
  if (status == 404)
    return "check the repository and the reference; the registry may not hold them";
  if (status == 413)
    return "the registry (or a proxy before it) limits the request size: use smaller chunks";
  if (status == 429)
    return "the registry limits how fast it is asked: try again later";
  if (status >= 500)
    return "the registry failed: see its log, then try again";
  return "see the registry's log for why it refused the request";
}

} // namespace

bool retryable_status(long status) {
  return (status >= 500 && status <= 599 && status != 501) || status == 429;
}

Error answer_error(const Session& session, const HttpAnswer& answer, std::string_view doing) {
  const std::string own = registry_error(answer.body);
  std::string message =
      fmt::format("registry {} answered {} to {}", session.name(), answer.status, doing);
  if (!own.empty())
    message += " (" + util::quoted(own) + ")";
  const Errc code = answer.status == 401 || answer.status == 403 ? Errc::auth
                    : own.starts_with("DIGEST_INVALID")          ? Errc::verify
                                                                 : Errc::failed;
  return Error(code, std::move(message)).with_hint(hint_for(answer.status, session.registry()));
}

} // namespace detail

} // namespace acp::oci
