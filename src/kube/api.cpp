// The plain requests: health, get, create and server-side apply of one object.

#include "acpctl/kube/api.hpp"

#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"
#include "session.hpp"

#include <fmt/format.h>

namespace acp::kube {

namespace {

// The failing checks of a /readyz body ("[-]etcd failed: reason withheld").
std::vector<std::string> failing_checks(std::string_view body) {
  std::vector<std::string> failing;
  for (const auto& line : util::split(body, '\n'))
    if (std::string_view(line).starts_with("[-]"))
      failing.push_back(line.substr(3));
  const std::string_view text = util::trim(body);
  if (failing.empty() && !text.empty())
    failing.push_back(util::quoted(text.substr(0, text.find('\n')), 200));
  return failing;
}

bool is_secret(const ObjectRef& ref) {
  return ref.group.empty() && ref.kind == "Secret";
}

// A Secret's values are registered so that no log line can show one, whatever logs it.
void register_secret_data(const ObjectRef& ref, const nlohmann::json& object) {
  if (!is_secret(ref))
    return;
  for (const char* field : {"data", "stringData"})
    if (object.contains(field) && object[field].is_object())
      for (const auto& [key, value] : object[field].items())
        if (value.is_string())
          log::add_secret(value.get_ref<const std::string&>());
}

} // namespace

Result<HealthResult> readyz(const ApiTarget& target) {
  detail::Session session(target);
  auto answer = session.send({"GET", "/readyz", {}, {}, false});
  if (!answer)
    return std::move(answer).error().context("asking whether the API server is ready");
  if (answer->status == 200)
    return HealthResult{true, {}};
  if (answer->status == 500 || answer->status == 503)
    return HealthResult{false, failing_checks(answer->body)};
  return session.answer_error(*answer, "GET /readyz");
}

Result<std::optional<nlohmann::json>> get(const ApiTarget& target, const std::string& path) {
  detail::Session session(target);
  auto answer = session.send({"GET", path});
  if (!answer)
    return std::move(answer).error();
  if (answer->status == 404)
    return std::optional<nlohmann::json>();
  if (answer->status != 200)
    return session.answer_error(*answer, "GET " + path);
  auto body = session.json_body(*answer, "GET " + path);
  if (!body)
    return std::move(body).error();
  return std::optional<nlohmann::json>(std::move(*body));
}

Result<std::optional<nlohmann::json>> get(const ApiTarget& target, const nlohmann::json& object,
                                          const KindTable& kinds) {
  auto ref = detail::target_ref(target, object, kinds);
  if (!ref)
    return std::move(ref).error();
  auto live = get(target, ref->path);
  if (!live)
    return std::move(live).error().context("reading " + describe(*ref));
  return live;
}

Result<nlohmann::json> apply(const ApiTarget& target, const nlohmann::json& object,
                             const KindTable& kinds, std::string_view field_manager, bool force) {
  auto ref = detail::target_ref(target, object, kinds);
  if (!ref)
    return std::move(ref).error();
  register_secret_data(*ref, object);
  detail::Session session(target);
  const std::string path = fmt::format("{}?fieldManager={}&force={}", ref->path,
                                       url_escape(field_manager), force ? "true" : "false");
  detail::Call call{"PATCH", path, object.dump(), "application/apply-patch+yaml"};
  call.secret = is_secret(*ref);
  const std::string doing = "applying " + describe(*ref);
  auto answer = session.send(call);
  if (!answer)
    return std::move(answer).error().context(doing);
  if (answer->status != 200 && answer->status != 201)
    return session.answer_error(*answer, "PATCH " + ref->path, call.secret).context(doing);
  return session.json_body(*answer, "PATCH " + ref->path);
}

Result<nlohmann::json> apply(const ApiTarget& target, const nlohmann::json& object,
                             std::string_view field_manager, bool force) {
  return apply(target, object, KindTable(), field_manager, force);
}

Result<nlohmann::json> create(const ApiTarget& target, const nlohmann::json& object,
                              const KindTable& kinds) {
  auto ref = detail::target_ref(target, object, kinds);
  if (!ref)
    return std::move(ref).error();
  register_secret_data(*ref, object);
  detail::Session session(target);
  detail::Call call{"POST", ref->collection, object.dump(), "application/json", false};
  call.secret = is_secret(*ref);
  const std::string doing = "creating " + describe(*ref);
  auto answer = session.send(call);
  if (!answer)
    return std::move(answer).error().context(doing);
  if (answer->status != 200 && answer->status != 201 && answer->status != 202)
    return session.answer_error(*answer, "POST " + ref->collection, call.secret).context(doing);
  return session.json_body(*answer, "POST " + ref->collection);
}

} // namespace acp::kube
