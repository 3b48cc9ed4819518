// push(): images in order; for each, its blobs (blobs.cpp), then its child manifests by digest,
// then its manifest under the tag. Events and the report are kept under one lock, since the
// blob workers report from their threads.

#include "acpctl/oci/push.hpp"

#include "acpctl/oci/reference.hpp"
#include "acpctl/util/strings.hpp"
#include "pusher.hpp"
#include "url.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::oci {

std::string_view to_string(PushEvent::Kind kind) {
  using K = PushEvent::Kind;
  switch (kind) {
  case K::image_started:
    return "image_started";
  case K::blob_exists:
    return "blob_exists";
  case K::blob_mounted:
    return "blob_mounted";
  case K::blob_uploaded:
    return "blob_uploaded";
  case K::manifest_pushed:
    return "manifest_pushed";
  case K::manifest_exists:
    return "manifest_exists";
  case K::image_done:
    return "image_done";
  }
  return "unknown";
}

Result<PushReport> push(const Layout& layout, std::span<const ImageSource> images,
                        const Registry& registry, const PushOptions& options) {
  if (options.parallel_blobs < 1 || options.parallel_blobs > 16)
    return Error(Errc::usage, fmt::format("push: {} parallel blob uploads; give 1 to 16",
                                          options.parallel_blobs));
  if (options.chunk_size < 1024)
    return Error(Errc::usage, "push: the chunk size must be at least 1 KiB");
  detail::Pusher pusher(layout, registry, options);
  return pusher.run(images);
}

namespace detail {

std::string push_scope(std::string_view repository) {
  return fmt::format("repository:{}:pull,push", repository);
}

Pusher::Pusher(const Layout& layout, const Registry& registry, const PushOptions& options)
    : m_layout(layout), m_options(options), m_session(registry) {
  m_handles.resize(static_cast<std::size_t>(options.parallel_blobs));
}

Result<PushReport> Pusher::run(std::span<const ImageSource> images) {
  for (const auto& source : images) {
    ImageSource image = source;
    if (image.display.empty())
      image.display = image.repository + ":" + image.tag;
    if (auto st = push_image(image); !st)
      return std::move(st).error();
  }
  return m_report;
}

Status Pusher::push_image(const ImageSource& image) {
  if (!valid_repository(image.repository) || !valid_tag(image.tag))
    return Error(Errc::invalid_input,
                 fmt::format("{}: {} is no valid repository:tag", image.display,
                             util::quoted(image.repository + ":" + image.tag)));
  const Manifest* top = m_layout.manifest(image.manifest_digest);
  if (top == nullptr)
    return Error(Errc::invalid_input,
                 fmt::format("{}: the image layout {} has no manifest {} that index.json reaches",
                             image.display, m_layout.dir().string(),
                             util::quoted(image.manifest_digest)));
  emit(PushEvent::Kind::image_started, image, top->descriptor.digest);
  const ImagePlan todo = plan(*top);
  if (auto st = push_blobs(image, todo.blobs); !st)
    return st;
  for (const Manifest* child : todo.children)
    if (auto st = put_manifest(image, *child, child->descriptor.digest); !st)
      return st;
  if (auto st = put_manifest(image, *top, image.tag); !st)
    return st;
  emit(PushEvent::Kind::image_done, image, top->descriptor.digest);
  return {};
}

ImagePlan Pusher::plan(const Manifest& top) const {
  ImagePlan out;
  collect(top, out);
  return out;
}

void Pusher::collect(const Manifest& m, ImagePlan& out) const {
  for (const auto& blob : m.blobs)
    if (std::none_of(out.blobs.begin(), out.blobs.end(),
                     [&](const Descriptor& d) { return d.digest == blob.digest; }))
      out.blobs.push_back(blob);
  // A child after its own children: a registry takes an index only when it has what it names.
  for (const auto& child : m.manifests)
    if (const Manifest* c = m_layout.manifest(child.digest);
        c != nullptr &&
        std::find(out.children.begin(), out.children.end(), c) == out.children.end()) {
      collect(*c, out);
      out.children.push_back(c);
    }
}

Status Pusher::put_manifest(const ImageSource& image, const Manifest& m,
                            const std::string& reference) {
  const std::string& digest = m.descriptor.digest;
  const std::string what = fmt::format("{}: manifest {}", image.display, short_digest(digest));
  const std::string url =
      m_session.url(fmt::format("/v2/{}/manifests/{}", image.repository, reference));
  const std::string scope = push_scope(image.repository);
  CurlEasy& easy = m_handles.front();
  Call head{"HEAD", url, {{"Accept", std::string(k_manifest_accept)}}, {}, k_max_manifest, scope};
  auto there = m_session.send(easy, head);
  if (!there)
    return std::move(there).error().context(what);
  if (there->status == 200 && there->header("docker-content-digest") == digest) {
    emit(PushEvent::Kind::manifest_exists, image, digest);
    return {};
  }
  if (there->status != 200 && there->status != 404)
    return answer_error(m_session, *there, "HEAD " + reference).context(what);
  Call put{"PUT", url, {{"Content-Type", m.descriptor.media_type}}, {}, k_max_manifest, scope};
  put.body.text = m.bytes;
  auto answer = m_session.send(easy, put);
  if (!answer)
    return std::move(answer).error().context(what);
  if (answer->status != 201 && answer->status != 200)
    return answer_error(m_session, *answer, "PUT " + reference).context(what);
  if (const auto stored = answer->header("docker-content-digest");
      !stored.empty() && stored != digest)
    return Error(Errc::verify, fmt::format("{}: registry {} stored it as {}", what,
                                           m_session.name(), util::quoted(stored)));
  emit(PushEvent::Kind::manifest_pushed, image, digest);
  return {};
}

bool Pusher::known_in(const std::string& digest, const std::string& repository) {
  std::lock_guard lock(m_mutex);
  const auto it = m_known.find(digest);
  return it != m_known.end() &&
         std::find(it->second.begin(), it->second.end(), repository) != it->second.end();
}

std::string Pusher::mount_source(const std::string& digest, const std::string& repository) {
  std::lock_guard lock(m_mutex);
  if (const auto it = m_known.find(digest); it != m_known.end())
    for (const auto& repo : it->second)
      if (repo != repository)
        return repo;
  return {};
}

void Pusher::remember(const std::string& digest, const std::string& repository) {
  std::lock_guard lock(m_mutex);
  auto& repos = m_known[digest];
  if (std::find(repos.begin(), repos.end(), repository) == repos.end())
    repos.push_back(repository);
}

void Pusher::emit(PushEvent::Kind kind, const ImageSource& image, const std::string& digest,
                  std::uint64_t bytes) {
  using K = PushEvent::Kind;
  std::lock_guard lock(m_mutex);
  m_report.bytes_uploaded += bytes;
  m_report.blobs_uploaded += kind == K::blob_uploaded ? 1 : 0;
  m_report.blobs_existing += kind == K::blob_exists ? 1 : 0;
  m_report.blobs_mounted += kind == K::blob_mounted ? 1 : 0;
  m_report.manifests_pushed += kind == K::manifest_pushed ? 1 : 0;
  m_report.manifests_existing += kind == K::manifest_exists ? 1 : 0;
  if (m_options.on_event)
    m_options.on_event(PushEvent{kind, m_session.name(), image.display, digest, bytes});
}

} // namespace detail

} // namespace acp::oci
