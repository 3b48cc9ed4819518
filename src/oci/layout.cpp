// Layout::open walks index.json down to every blob once; the manifests it reads are kept (they
// are what push sends), the layers are only stat'ed.

#include "acpctl/oci/layout.hpp"

#include "acpctl/oci/reference.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/strings.hpp"
#include "manifest.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

namespace acp::oci {

namespace {

constexpr int k_max_depth = 4;

std::string short_what(const Descriptor& d, std::string_view of) {
  return fmt::format("{} ({})", d.digest, of);
}

Error corrupted(const std::filesystem::path& dir, const std::string& what, const std::string& why) {
  return Error(Errc::verify, fmt::format("image layout {}: blob {} {}", dir.string(), what, why))
      .with_hint("the layout is incomplete or corrupted: copy or build it again");
}

Status check_layout_file(const std::filesystem::path& dir) {
  auto text = util::read_file(dir / "oci-layout", util::k_max_secret_bytes);
  if (!text)
    return std::move(text).error().context("image layout " + dir.string());
  const auto j = nlohmann::json::parse(*text, nullptr, false);
  const auto version = j.is_object() ? j.find("imageLayoutVersion") : j.end();
  if (j.is_discarded() || !j.is_object() || version == j.end() || !version->is_string() ||
      !version->get_ref<const std::string&>().starts_with("1."))
    return Error(Errc::invalid_input,
                 fmt::format("image layout {}: oci-layout does not say imageLayoutVersion 1.x",
                             dir.string()));
  return {};
}

// The blob `d` is a regular file of its size; `what` names it in the error.
Status check_blob_file(const Layout& layout, const Descriptor& d, const std::string& what) {
  const auto path = layout.blob_path(d.digest);
  struct stat st {};
  if (stat(path.c_str(), &st) != 0)
    return corrupted(layout.dir(), what, "is missing");
  if (!S_ISREG(st.st_mode))
    return corrupted(layout.dir(), what, "is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) != d.size)
    return corrupted(
        layout.dir(), what,
        fmt::format("is {} bytes, not the {} its descriptor says", st.st_size, d.size));
  return {};
}

// What walking the layout needs, and what it fills in.
struct Walk {
  const Layout& layout;
  std::map<std::string, Manifest, std::less<>>& manifests;

  Status manifest(const Descriptor& d, const std::string& what, int depth) {
    if (manifests.contains(d.digest))
      return {};
    if (depth > k_max_depth)
      return corrupted(layout.dir(), what, "nests indexes more than 4 deep");
    if (d.size > detail::k_max_manifest)
      return corrupted(layout.dir(), what, "is larger than 4 MiB: no manifest");
    if (auto file = check_blob_file(layout, d, what); !file)
      return file;
    auto bytes = util::read_file(layout.blob_path(d.digest), detail::k_max_manifest);
    if (!bytes)
      return std::move(bytes).error();
    if ("sha256:" + util::sha256_hex(*bytes) != d.digest)
      return corrupted(layout.dir(), what, "does not match its digest");
    auto parsed = detail::parse_manifest(d, std::move(*bytes));
    if (!parsed)
      return std::move(parsed).error().context("image layout " + layout.dir().string());
    const Manifest& m = manifests.emplace(d.digest, std::move(*parsed)).first->second;
    for (std::size_t i = 0; i < m.manifests.size(); ++i)
      if (auto child = manifest(m.manifests[i], short_what(m.manifests[i], "in index " + d.digest),
                                depth + 1);
          !child)
        return child;
    for (std::size_t i = 0; i < m.blobs.size(); ++i) {
      const std::string role = i == 0 ? "the config" : fmt::format("layer {}", i);
      if (auto blob =
              check_blob_file(layout, m.blobs[i], short_what(m.blobs[i], role + " of " + d.digest));
          !blob)
        return blob;
    }
    return {};
  }
};

} // namespace

Result<Layout> Layout::open(const std::filesystem::path& dir) {
  if (auto version = check_layout_file(dir); !version)
    return std::move(version).error();
  auto index_text = util::read_file(dir / "index.json", detail::k_max_manifest);
  if (!index_text)
    return std::move(index_text).error().context("image layout " + dir.string());
  auto index = detail::parse_index_json(*index_text);
  if (!index)
    return std::move(index).error().context("image layout " + dir.string());
  Layout layout;
  layout.m_dir = dir;
  layout.m_index = std::move(*index);
  Walk walk{layout, layout.m_manifests};
  for (const auto& d : layout.m_index) {
    if (!detail::is_manifest_type(d.media_type) && !detail::is_index_type(d.media_type))
      return Error(Errc::invalid_input,
                   fmt::format("image layout {}: index.json names {} of media type {}, which is "
                               "no image manifest or index",
                               dir.string(), d.digest, util::quoted(d.media_type)));
    if (auto st = walk.manifest(d, short_what(d, "named by index.json"), 1); !st)
      return std::move(st).error();
  }
  return layout;
}

std::filesystem::path Layout::blob_path(std::string_view digest) const {
  if (!valid_digest(digest))
    return {};
  return m_dir / "blobs" / "sha256" / std::string(digest.substr(7));
}

const Manifest* Layout::manifest(std::string_view digest) const {
  const auto it = m_manifests.find(digest);
  return it == m_manifests.end() ? nullptr : &it->second;
}

const Descriptor* Layout::find(std::string_view name) const {
  for (const auto& d : m_index)
    if (const auto it = d.annotations.find(std::string(k_ref_name));
        it != d.annotations.end() && it->second == name)
      return &d;
  return nullptr;
}

Status Layout::verify_blob(const Descriptor& blob) const {
  if (auto file = check_blob_file(*this, blob, blob.digest); !file)
    return file;
  auto sha = util::sha256_file(blob_path(blob.digest));
  if (!sha)
    return std::move(sha).error();
  if ("sha256:" + *sha != blob.digest)
    return corrupted(m_dir, blob.digest,
                     fmt::format("does not match its digest (its bytes hash to "
                                 "sha256:{})",
                                 *sha));
  return {};
}

} // namespace acp::oci
