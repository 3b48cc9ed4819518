#include "manifest.hpp"

#include "acpctl/oci/reference.hpp"
#include "acpctl/util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace acp::oci::detail {

namespace {

using nlohmann::json;

Error bad(std::string_view what, const std::string& why) {
  return Error(Errc::invalid_input, fmt::format("{}: {}", what, why));
}

Result<Descriptor> parse_descriptor(const json& j, std::string_view what) {
  if (!j.is_object())
    return bad(what, "a descriptor is not a JSON object");
  Descriptor d;
  const auto media = j.find("mediaType");
  const auto digest = j.find("digest");
  const auto size = j.find("size");
  if (media == j.end() || !media->is_string() || media->get_ref<const std::string&>().empty())
    return bad(what, "a descriptor has no mediaType");
  d.media_type = media->get<std::string>();
  if (digest == j.end() || !digest->is_string() || !valid_digest(digest->get<std::string>()))
    return bad(what, "a descriptor's digest is not sha256: and 64 lower-case hex digits");
  d.digest = digest->get<std::string>();
  if (size == j.end() || !size->is_number_unsigned())
    return bad(what, fmt::format("the descriptor of {} has no size", d.digest));
  d.size = size->get<std::uint64_t>();
  if (const auto notes = j.find("annotations"); notes != j.end() && notes->is_object())
    for (const auto& [key, value] : notes->items())
      if (value.is_string())
        d.annotations[key] = value.get<std::string>();
  return d;
}

Result<std::vector<Descriptor>> parse_array(const json& j, const char* key, std::string_view what) {
  const auto array = j.find(key);
  if (array == j.end() || !array->is_array())
    return bad(what, fmt::format("it has no \"{}\" array", key));
  std::vector<Descriptor> out;
  for (const auto& item : *array) {
    auto d = parse_descriptor(item, what);
    if (!d)
      return std::move(d).error();
    out.push_back(std::move(*d));
  }
  return out;
}

Result<json> parse_object(std::string_view bytes, std::string_view what) {
  json j = json::parse(bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return bad(what, "it is not a JSON object");
  return j;
}

} // namespace

bool is_manifest_type(std::string_view media_type) {
  return media_type == k_oci_manifest || media_type == k_docker_manifest;
}

bool is_index_type(std::string_view media_type) {
  return media_type == k_oci_index || media_type == k_docker_index;
}

Result<std::vector<Descriptor>> parse_index_json(std::string_view bytes) {
  auto j = parse_object(bytes, "index.json");
  if (!j)
    return std::move(j).error();
  return parse_array(*j, "manifests", "index.json");
}

Result<Manifest> parse_manifest(const Descriptor& descriptor, std::string bytes) {
  const std::string what = "manifest " + descriptor.digest;
  auto j = parse_object(bytes, what);
  if (!j)
    return std::move(j).error();
  Manifest m{descriptor, std::move(bytes), {}, {}, false};
  if (const auto media = j->find("mediaType"); media != j->end() && media->is_string()) {
    const auto& inside = media->get_ref<const std::string&>();
    if (m.descriptor.media_type.empty())
      m.descriptor.media_type = inside;
    else if (inside != m.descriptor.media_type)
      return bad(what, fmt::format("its mediaType {} is not its descriptor's {}",
                                   util::quoted(inside), util::quoted(m.descriptor.media_type)));
  }
  m.is_index = is_index_type(m.descriptor.media_type);
  if (!m.is_index && !is_manifest_type(m.descriptor.media_type))
    return bad(what, fmt::format("its media type {} is no image manifest or index acpctl pushes "
                                 "(OCI, or Docker v2 schema 2)",
                                 util::quoted(m.descriptor.media_type)));
  if (m.is_index) {
    auto children = parse_array(*j, "manifests", what);
    if (!children)
      return std::move(children).error();
    m.manifests = std::move(*children);
    return m;
  }
  const auto config = j->find("config");
  if (config == j->end())
    return bad(what, "it has no config");
  auto config_descriptor = parse_descriptor(*config, what);
  if (!config_descriptor)
    return std::move(config_descriptor).error();
  auto layers = parse_array(*j, "layers", what);
  if (!layers)
    return std::move(layers).error();
  m.blobs.push_back(std::move(*config_descriptor));
  m.blobs.insert(m.blobs.end(), layers->begin(), layers->end());
  return m;
}

} // namespace acp::oci::detail
