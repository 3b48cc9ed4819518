// Answering a registry's 401: Basic, or Bearer through its token service (the "token
// authentication" of the distribution spec: GET realm?service=...&scope=..., the credentials as
// Basic, the token in "token" or "access_token").

#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"
#include "session.hpp"
#include "url.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

namespace acp::oci::detail {

namespace {

constexpr std::size_t k_max_token_answer = std::size_t{1} << 20;

const Challenge* find_scheme(const std::vector<Challenge>& challenges, std::string_view scheme) {
  for (const auto& c : challenges)
    if (c.scheme == scheme)
      return &c;
  return nullptr;
}

std::string param(const Challenge& challenge, const std::string& name) {
  const auto it = challenge.params.find(name);
  return it == challenge.params.end() ? std::string() : it->second;
}

} // namespace

std::string basic_credentials(std::string_view user, std::string_view password) {
  if (user.empty())
    return {};
  const std::string plain = std::string(user) + ":" + std::string(password);
  std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(plain.data()),
                                static_cast<int>(plain.size()));
  encoded.resize(static_cast<std::size_t>(std::max(n, 0)));
  return "Basic " + encoded;
}

std::string shown_user(const Registry& registry) {
  return registry.username.empty() ? std::string("(anonymous)") : util::quoted(registry.username);
}

std::optional<std::string> Session::authorization(const std::string& scope) {
  std::lock_guard lock(m_mutex);
  if (m_basic && !m_basic_value.empty())
    return m_basic_value;
  if (const auto it = m_tokens.find(scope); it != m_tokens.end())
    return it->second;
  return std::nullopt;
}

Error Session::refused_credentials() const {
  return Error(Errc::auth, fmt::format("registry {} refused user {}: wrong user name or password",
                                       m_name, shown_user(m_registry)))
      .with_hint("check the registry's user name and password");
}

Error Session::needs_credentials() const {
  return Error(Errc::auth, fmt::format("registry {} requires a user name and password", m_name))
      .with_hint("give the registry's user name and password");
}

Status Session::authenticate(CurlEasy& easy, const HttpAnswer& refusal, const std::string& scope,
                             const std::optional<std::string>& sent) {
  std::vector<Challenge> challenges;
  for (const auto& [name, value] : refusal.headers)
    if (name == "www-authenticate")
      for (auto& c : parse_www_authenticate(value))
        challenges.push_back(std::move(c));
  if (const auto* bearer = find_scheme(challenges, "bearer"))
    return use_bearer(easy, *bearer, scope);
  if (find_scheme(challenges, "basic") != nullptr) {
    if (m_basic_value.empty())
      return needs_credentials();
    if (sent && sent->starts_with("Basic "))
      return refused_credentials();
    std::lock_guard lock(m_mutex);
    m_basic = true;
    return {};
  }
  if (challenges.empty())
    return Error(Errc::auth, fmt::format("registry {} answered 401 without saying how to "
                                         "authenticate (no WWW-Authenticate)",
                                         m_name));
  return Error(Errc::auth, fmt::format("registry {} asks for authentication by {}, which acpctl "
                                       "does not speak (only Basic and Bearer)",
                                       m_name, util::quoted(challenges.front().scheme)));
}

Status Session::use_bearer(CurlEasy& easy, const Challenge& challenge, const std::string& scope) {
  auto token = fetch_token(easy, challenge, scope);
  if (!token)
    return std::move(token).error();
  std::lock_guard lock(m_mutex);
  m_tokens[scope] = "Bearer " + *token;
  return {};
}

Result<std::string> Session::fetch_token(CurlEasy& easy, const Challenge& challenge,
                                         const std::string& scope) {
  const std::string realm = param(challenge, "realm");
  if (origin(realm).empty())
    return Error(Errc::auth, fmt::format("registry {} asks for a Bearer token but names no "
                                         "http(s) realm to get it from",
                                         m_name));
  const std::string service =
      fmt::format("the token service {} of registry {}", origin(realm), m_name);
  if (realm.starts_with("http://") && !m_registry.plain_http)
    return Error(Errc::auth, service + " is plain http: the password would travel unencrypted")
        .with_hint("serve the token service over https");
  std::string url = realm;
  if (const auto name = param(challenge, "service"); !name.empty())
    url = add_query(url, "service", name);
  const std::string wanted = param(challenge, "scope").empty() ? scope : param(challenge, "scope");
  for (const auto& item : util::split(wanted, ' '))
    if (!item.empty())
      url = add_query(url, "scope", item);
  util::detail::HttpRequest request{"GET", url, {}, {}, {-1, k_max_token_answer}};
  if (!m_basic_value.empty())
    request.headers.emplace_back("Authorization", m_basic_value);
  auto answer = exchange(easy, request, true, service);
  if (!answer)
    return std::move(answer).error();
  if (answer->status == 401 || answer->status == 403)
    return m_basic_value.empty() ? needs_credentials() : refused_credentials();
  if (answer->status != 200)
    return Error(Errc::failed, fmt::format("{} answered {}", service, answer->status));
  const auto j = nlohmann::json::parse(answer->body, nullptr, false);
  for (const char* key : {"token", "access_token"})
    if (j.is_object() && j.contains(key) && j[key].is_string() &&
        !j[key].get_ref<const std::string&>().empty()) {
      log::add_secret(j[key].get_ref<const std::string&>());
      return j[key].get<std::string>();
    }
  return Error(Errc::failed, service + " answered without a token");
}

} // namespace acp::oci::detail
