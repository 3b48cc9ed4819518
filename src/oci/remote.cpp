// The questions asked of a registry without pushing: ping and remote_digest.

#include "acpctl/oci/layout.hpp"
#include "acpctl/oci/reference.hpp"
#include "acpctl/oci/registry.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/strings.hpp"
#include "session.hpp"

#include <fmt/format.h>

namespace acp::oci {

Status ping(const Registry& registry) {
  detail::Session session(registry);
  util::detail::CurlEasy easy;
  auto answer = session.send(easy, {"GET", session.url("/v2/")});
  if (!answer)
    return std::move(answer).error();
  if (answer->status == 200)
    return {};
  if (answer->status == 404)
    return Error(Errc::failed,
                 fmt::format("{} answered 404 to GET /v2/: it is no registry", session.name()))
        .with_hint("check the registry's address and port");
  return detail::answer_error(session, *answer, "GET /v2/");
}

Result<std::optional<std::string>>
remote_digest(const Registry& registry, std::string_view repository, std::string_view reference) {
  const bool by_digest = valid_digest(reference);
  if (!valid_repository(repository) || !(by_digest || valid_tag(reference)))
    return Error(Errc::invalid_input,
                 fmt::format("{} is no valid repository with a tag or digest",
                             util::quoted(std::string(repository) + (by_digest ? "@" : ":") +
                                          std::string(reference))));
  detail::Session session(registry);
  util::detail::CurlEasy easy;
  const std::string path = fmt::format("/v2/{}/manifests/{}", repository, reference);
  const std::string scope = fmt::format("repository:{}:pull", repository);
  const std::string what = fmt::format("{}{}{}", repository, by_digest ? "@" : ":", reference);
  detail::Call head{"HEAD", session.url(path), {{"Accept", std::string(k_manifest_accept)}}};
  head.scope = scope;
  auto answer = session.send(easy, head);
  if (!answer)
    return std::move(answer).error().context("looking up " + what);
  if (answer->status == 404)
    return std::optional<std::string>();
  if (answer->status != 200)
    return detail::answer_error(session, *answer, "HEAD of manifest " + what);
  if (const auto digest = answer->header("docker-content-digest"); valid_digest(digest))
    return std::optional<std::string>(std::string(digest));
  // No digest header (it is optional): the manifest's own bytes tell.
  head.method = "GET";
  auto body = session.send(easy, head);
  if (!body)
    return std::move(body).error().context("looking up " + what);
  if (body->status != 200)
    return detail::answer_error(session, *body, "GET of manifest " + what);
  return std::optional<std::string>("sha256:" + util::sha256_hex(body->body));
}

} // namespace acp::oci
