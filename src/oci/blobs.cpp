// An image's blobs, several at once. Threads rather than one curl multi handle: a blob is a
// short chain of dependent requests (HEAD, then a mount or POST, then PUT or PATCHes and a PUT)
// with authentication rounds and retries between them, which on a blocking easy handle is
// straight-line code, where a multi handle would need a state machine per blob. The threads
// (at most 16) mostly wait on their sockets; each keeps its own handle across images, so its
// connection to the registry is reused. The blobs of one image are distinct, so no blob is
// ever sent twice at once.

#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"
#include "pusher.hpp"
#include "url.hpp"

#include <atomic>
#include <fmt/format.h>
#include <thread>

namespace acp::oci::detail {

namespace {

std::chrono::milliseconds backoff(int retry) {
  return std::chrono::milliseconds(500) * (1 << std::min(retry - 1, 6));
}

} // namespace

Status Pusher::push_blobs(const ImageSource& image, const std::vector<Descriptor>& blobs) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  std::optional<Error> first_error;
  const auto work = [&](CurlEasy& easy) {
    for (std::size_t i = next++; i < blobs.size() && !stop; i = next++) {
      if (auto st = blob_job(easy, image, blobs[i]); !st) {
        stop = true;
        std::lock_guard lock(error_mutex);
        if (!first_error)
          first_error = std::move(st).error();
      }
    }
  };
  const std::size_t workers = std::min(m_handles.size(), blobs.size());
  {
    std::vector<std::jthread> threads; // joined when they go out of scope, even on a throw
    for (std::size_t w = 1; w < workers; ++w)
      threads.emplace_back(work, std::ref(m_handles[w]));
    if (workers > 0)
      work(m_handles[0]);
  }
  if (first_error)
    return std::move(*first_error);
  return {};
}

Status Pusher::blob_job(CurlEasy& easy, const ImageSource& image, const Descriptor& blob) {
  const std::string what = fmt::format("{}: blob {} ({})", image.display, short_digest(blob.digest),
                                       util::human_bytes(blob.size));
  try {
    if (known_in(blob.digest, image.repository)) {
      emit(PushEvent::Kind::blob_exists, image, blob.digest);
      return {};
    }
    auto outcome = put_blob(easy, image, blob);
    if (!outcome)
      return std::move(outcome).error().context(what);
    remember(blob.digest, image.repository);
    switch (*outcome) {
    case BlobOutcome::existed:
      emit(PushEvent::Kind::blob_exists, image, blob.digest);
      break;
    case BlobOutcome::mounted:
      emit(PushEvent::Kind::blob_mounted, image, blob.digest);
      break;
    case BlobOutcome::uploaded:
      emit(PushEvent::Kind::blob_uploaded, image, blob.digest, blob.size);
      break;
    }
    return {};
  } catch (const std::exception& e) {
    // No exception may end a worker thread: it becomes this blob's error.
    return Error(Errc::failed, fmt::format("{}: {}", what, e.what()));
  }
}

Result<BlobOutcome> Pusher::put_blob(CurlEasy& easy, const ImageSource& image,
                                     const Descriptor& blob) {
  BlobVerifier verifier(m_layout, blob);
  for (int restart = 0;; ++restart) {
    bool again = false;
    auto outcome = try_blob(easy, image, blob, verifier, again);
    if (outcome || !again || restart >= k_retries)
      return outcome;
    const auto pause = backoff(restart + 1);
    log::debug(fmt::format("oci: {} {}: {}; starting the upload again in {} ms", image.display,
                           short_digest(blob.digest), outcome.error().message(), pause.count()));
    std::this_thread::sleep_for(pause);
  }
}

Result<BlobOutcome> Pusher::try_blob(CurlEasy& easy, const ImageSource& image,
                                     const Descriptor& blob, BlobVerifier& verifier, bool& again) {
  const std::string scope = push_scope(image.repository);
  const std::string url =
      m_session.url(fmt::format("/v2/{}/blobs/{}", image.repository, blob.digest));
  auto head = m_session.send(easy, {"HEAD", url, {}, {}, k_max_manifest, scope});
  if (!head)
    return std::move(head).error();
  if (head->status == 200)
    return BlobOutcome::existed;
  if (head->status != 404)
    return answer_error(m_session, *head, "HEAD of the blob");
  bool mounted = false;
  auto location =
      start_upload(easy, image, blob, mount_source(blob.digest, image.repository), mounted);
  if (!location)
    return std::move(location).error();
  if (mounted)
    return BlobOutcome::mounted;
  if (auto st = upload(easy, image.repository, blob, verifier, std::move(*location), again); !st)
    return std::move(st).error();
  return BlobOutcome::uploaded;
}

Result<std::string> Pusher::start_upload(CurlEasy& easy, const ImageSource& image,
                                         const Descriptor& blob, const std::string& from,
                                         bool& mounted) {
  std::string url = m_session.url(fmt::format("/v2/{}/blobs/uploads/", image.repository));
  std::string scope = push_scope(image.repository);
  if (!from.empty()) {
    url = add_query(add_query(url, "mount", blob.digest), "from", from);
    scope += fmt::format(" repository:{}:pull", from);
  }
  auto answer = m_session.send(easy, {"POST", url, {}, {}, k_max_manifest, scope});
  if (!answer)
    return std::move(answer).error();
  mounted = !from.empty() && answer->status == 201;
  if (mounted)
    return std::string();
  if (answer->status != 202)
    return answer_error(m_session, *answer,
                        from.empty() ? "starting an upload" : "mounting it from " + from);
  return resolve_location(url, answer->header("location"));
}

} // namespace acp::oci::detail
