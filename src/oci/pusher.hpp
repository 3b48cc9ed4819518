#pragma once
// push()'s insides: one Pusher per call, shared by push.cpp (images, manifests, events),
// blobs.cpp (the workers, HEAD and mount) and upload.cpp (monolithic and chunked uploads).

#include "acpctl/oci/push.hpp"
#include "acpctl/util/hash.hpp"
#include "session.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace acp::oci::detail {

/// How a blob came to be in the repository.
enum class BlobOutcome { existed, mounted, uploaded };

/// Checks a blob's bytes against its digest as the upload reads them, in whatever pieces and
/// however often (a resent request reads them again): each byte is hashed once, in order.
class BlobVerifier {
public:
  BlobVerifier(const Layout& layout, const Descriptor& blob) : m_layout(layout), m_blob(blob) {}
  /// The body observer: hashes what it has not seen; at the last byte, compares the digest.
  Status see(std::uint64_t offset, std::string_view bytes);
  /// After every byte was sent: ok when they all were seen and matched.
  Status finish();

private:
  Status compare();
  const Layout& m_layout;
  const Descriptor& m_blob;
  util::Sha256 m_sha;
  std::uint64_t m_hashed = 0;
  std::optional<bool> m_match;
};

/// What an image needs pushed, in order: blobs, then child manifests (deepest first).
struct ImagePlan {
  std::vector<Descriptor> blobs;
  std::vector<const Manifest*> children;
};

class Pusher {
public:
  Pusher(const Layout& layout, const Registry& registry, const PushOptions& options);
  Result<PushReport> run(std::span<const ImageSource> images);

private:
  Status push_image(const ImageSource& image);
  ImagePlan plan(const Manifest& top) const;
  void collect(const Manifest& m, ImagePlan& plan) const;
  Status put_manifest(const ImageSource& image, const Manifest& m, const std::string& reference);

  // blobs.cpp
  Status push_blobs(const ImageSource& image, const std::vector<Descriptor>& blobs);
  Status blob_job(CurlEasy& easy, const ImageSource& image, const Descriptor& blob);
  Result<BlobOutcome> put_blob(CurlEasy& easy, const ImageSource& image, const Descriptor& blob);
  Result<BlobOutcome> try_blob(CurlEasy& easy, const ImageSource& image, const Descriptor& blob,
                               BlobVerifier& verifier, bool& again);
  Result<std::string> start_upload(CurlEasy& easy, const ImageSource& image, const Descriptor& blob,
                                   const std::string& from, bool& mounted);

  // upload.cpp: `location` is the upload session's; `again` is set when starting over may help.
  Status upload(CurlEasy& easy, const std::string& repository, const Descriptor& blob,
                BlobVerifier& verifier, std::string location, bool& again);
  Status put_whole(CurlEasy& easy, int fd, const std::string& scope, const Descriptor& blob,
                   BlobVerifier& verifier, const std::string& location, bool& again);
  Status put_chunks(CurlEasy& easy, int fd, const std::string& scope, const Descriptor& blob,
                    BlobVerifier& verifier, std::string location, bool& again);

  // Under m_mutex: where this call has seen blobs, the events and the report.
  bool known_in(const std::string& digest, const std::string& repository);
  std::string mount_source(const std::string& digest, const std::string& repository);
  void remember(const std::string& digest, const std::string& repository);
  void emit(PushEvent::Kind kind, const ImageSource& image, const std::string& digest,
            std::uint64_t bytes = 0);

  const Layout& m_layout;
  const PushOptions& m_options;
  Session m_session;
  std::vector<CurlEasy> m_handles; ///< one per worker; [0] also for manifests
  std::mutex m_mutex;
  std::map<std::string, std::vector<std::string>> m_known; ///< digest -> repositories
  PushReport m_report;
};

/// "repository:REPO:pull,push": the token scope of everything push does in a repository.
std::string push_scope(std::string_view repository);

} // namespace acp::oci::detail
