// The package's image layout is whole: blobs named by their sha256, and every image reaches
// only blobs the package holds.

#include "image_layout.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>

namespace acp::package::detail {

namespace {

constexpr std::string_view k_blob_dir = "images/blobs/sha256/";
constexpr int k_max_depth = 4; // index → index → manifest is as deep as real layouts go

Error missing(const std::string& source, const std::string& image, std::string_view digest,
              const std::string& role) {
  return Error(Errc::verify,
               fmt::format("{}: image {} needs {} {}, which the package does not have", source,
                           image, role, digest))
      .with_hint("rebuild the package from a complete OCI image layout (every blob of every "
                 "image under images/blobs/sha256/)");
}

// Walks one manifest or index by digest, checking every blob it names is in `files`.
class Walker {
public:
  Walker(const std::set<std::string>& files, const JsonSource& read, const std::string& source)
      : m_files(files), m_read(read), m_source(source) {}

  Status visit(const std::string& image, const std::string& digest, int depth) {
    if (!m_seen.insert(digest).second)
      return {};
    const auto path = blob_path(digest);
    if (!m_files.contains(path))
      return missing(m_source, image, digest, "the manifest");
    const auto bytes = m_read(path);
    const auto doc = bytes ? nlohmann::json::parse(*bytes, nullptr, false) : nlohmann::json();
    if (!doc.is_object() || depth > k_max_depth)
      return Error(Errc::verify, fmt::format("{}: image {}: blob {} is not an image manifest or "
                                             "index",
                                             m_source, image, digest));
    if (doc.contains("manifests"))
      return children(image, doc["manifests"], depth);
    if (auto s = need(image, doc.value("config", nlohmann::json::object()), "the config"); !s)
      return s;
    for (const auto& layer : doc.value("layers", nlohmann::json::array()))
      if (auto s = need(image, layer, "the layer"); !s)
        return s;
    return {};
  }

  Status children(const std::string& image, const nlohmann::json& list, int depth) {
    if (!list.is_array())
      return Error(Errc::verify,
                   fmt::format("{}: image {}: its index has no manifest list", m_source, image));
    for (const auto& m : list) {
      const auto digest = m.is_object() ? m.value("digest", std::string()) : std::string();
      if (auto s = visit(image, digest, depth + 1); !s)
        return s;
    }
    return {};
  }

private:
  Status need(const std::string& image, const nlohmann::json& descriptor, const char* role) {
    const auto digest =
        descriptor.is_object() ? descriptor.value("digest", std::string()) : std::string();
    if (!m_files.contains(blob_path(digest)))
      return missing(m_source, image, digest.empty() ? "(no digest)" : digest, role);
    return {};
  }

  const std::set<std::string>& m_files;
  const JsonSource& m_read;
  const std::string& m_source;
  std::set<std::string> m_seen;
};

} // namespace

std::string blob_path(std::string_view digest) {
  if (!digest.starts_with("sha256:") || digest.size() != 71)
    return {};
  return std::string(k_blob_dir) + std::string(digest.substr(7));
}

std::string layout_problem(const Manifest& m) {
  std::set<std::string> paths;
  for (const auto& f : m.image_files) {
    paths.insert(f.path);
    if (!f.path.starts_with(k_blob_dir) || f.is_symlink())
      continue;
    if (f.path.substr(k_blob_dir.size()) != f.sha256)
      return fmt::format("spec.images: blob {} holds bytes with sha256 {}; a blob is named by "
                         "its sha256",
                         f.path, f.sha256);
  }
  bool any = false;
  for (const auto& c : m.components)
    for (const auto& image : c.images) {
      any = true;
      if (!paths.contains(blob_path(image.digest)))
        return fmt::format("component {}: image {} has no manifest blob {} in spec.images", c.name,
                           image.ref, blob_path(image.digest));
    }
  if (any && (!paths.contains("images/oci-layout") || !paths.contains("images/index.json")))
    return "spec.images: an image layout needs images/oci-layout and images/index.json";
  return {};
}

Status check_image_refs(const Manifest& m, const JsonSource& read, const std::string& source) {
  std::set<std::string> files;
  for (const auto& f : m.image_files)
    files.insert(f.path);
  Walker walker(files, read, source);
  // The components' images first, so an error names the image the package lists.
  for (const auto& c : m.components)
    for (const auto& image : c.images)
      if (auto s = walker.visit(image.ref, image.digest, 0); !s)
        return s;
  if (files.contains("images/index.json")) {
    const auto index = read("images/index.json");
    const auto doc = index ? nlohmann::json::parse(*index, nullptr, false) : nlohmann::json();
    if (!doc.is_object())
      return Error(Errc::verify, source + ": images/index.json is not an OCI image index");
    if (auto s = walker.children("images/index.json", doc.value("manifests", nlohmann::json()), 0);
        !s)
      return s;
  }
  return {};
}

} // namespace acp::package::detail
