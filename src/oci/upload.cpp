// A blob's bytes into an upload session: one PUT up to the chunk threshold, else PATCH chunks
// (Content-Range) and a closing PUT; always streamed from the file by pread, never held in
// memory, and checked against the digest as they are read. A data request that fails half-way
// leaves the session in an unknown state, so it is not resent: the caller starts over.

#include "acpctl/util/strings.hpp"
#include "pusher.hpp"
#include "url.hpp"
#include "util/input_file.hpp"

#include <fmt/format.h>

namespace acp::oci::detail {

namespace {

constexpr const char* k_octets = "application/octet-stream";

} // namespace

Status BlobVerifier::see(std::uint64_t offset, std::string_view bytes) {
  const std::uint64_t end = offset + bytes.size();
  if (offset > m_hashed || end <= m_hashed)
    return {}; // seen already (a resend), or not yet reachable in order
  m_sha.update(bytes.substr(static_cast<std::size_t>(m_hashed - offset)));
  m_hashed = end;
  if (m_hashed == m_blob.size)
    return compare();
  return {};
}

Status BlobVerifier::finish() {
  if (m_hashed != m_blob.size)
    return Error(Errc::failed,
                 fmt::format("only {} of the blob's {} bytes were read", m_hashed, m_blob.size));
  return compare();
}

Status BlobVerifier::compare() {
  if (!m_match)
    m_match = "sha256:" + m_sha.hex_digest() == m_blob.digest;
  if (*m_match)
    return {};
  return Error(Errc::verify, fmt::format("image layout {}: blob {} does not match its digest",
                                         m_layout.dir().string(), m_blob.digest))
      .with_hint("the layout is corrupted: copy or build it again");
}

Status Pusher::upload(CurlEasy& easy, const std::string& repository, const Descriptor& blob,
                      BlobVerifier& verifier, std::string location, bool& again) {
  const auto path = m_layout.blob_path(blob.digest);
  auto file = util::detail::InputFile::open(path);
  if (!file)
    return std::move(file).error();
  if (file->size() != blob.size)
    return Error(Errc::verify,
                 fmt::format("image layout {}: blob {} is {} bytes, not {}",
                             m_layout.dir().string(), blob.digest, file->size(), blob.size));
  const std::string scope = push_scope(repository);
  if (blob.size <= m_options.chunk_threshold)
    return put_whole(easy, file->fd(), scope, blob, verifier, location, again);
  return put_chunks(easy, file->fd(), scope, blob, verifier, std::move(location), again);
}

Status Pusher::put_whole(CurlEasy& easy, int fd, const std::string& scope, const Descriptor& blob,
                         BlobVerifier& verifier, const std::string& location, bool& again) {
  if (blob.size == 0)
    if (auto st = verifier.finish(); !st)
      return st;
  Call put{"PUT",
           add_query(location, "digest", blob.digest),
           {{"Content-Type", k_octets}},
           {},
           k_max_manifest,
           scope,
           false};
  put.body = {fd, 0, blob.size, {}, [&](std::uint64_t at, std::string_view bytes) {
                return verifier.see(at, bytes);
              }};
  auto answer = m_session.send(easy, put, &again);
  if (!answer)
    return std::move(answer).error();
  if (answer->status != 201) {
    again = retryable_status(answer->status);
    return answer_error(m_session, *answer, "PUT of the blob's bytes");
  }
  return verifier.finish();
}

Status Pusher::put_chunks(CurlEasy& easy, int fd, const std::string& scope, const Descriptor& blob,
                          BlobVerifier& verifier, std::string location, bool& again) {
  const auto observe = [&](std::uint64_t at, std::string_view bytes) {
    return verifier.see(at, bytes);
  };
  for (std::uint64_t offset = 0; offset < blob.size;) {
    const std::uint64_t n = std::min(m_options.chunk_size, blob.size - offset);
    const std::string range = fmt::format("{}-{}", offset, offset + n - 1);
    Call patch{"PATCH", location,       {{"Content-Type", k_octets}, {"Content-Range", range}},
               {},      k_max_manifest, scope,
               false};
    patch.body = {fd, offset, n, {}, observe};
    auto answer = m_session.send(easy, patch, &again);
    if (!answer)
      return std::move(answer).error();
    if (answer->status != 202) {
      again = retryable_status(answer->status);
      return answer_error(m_session, *answer, "PATCH of bytes " + range);
    }
    auto next = resolve_location(location, answer->header("location"));
    if (!next)
      return std::move(next).error();
    location = std::move(*next);
    offset += n;
  }
  if (auto st = verifier.finish(); !st)
    return st;
  Call put{"PUT", add_query(location, "digest", blob.digest), {}, {}, k_max_manifest, scope, false};
  auto answer = m_session.send(easy, put, &again);
  if (!answer)
    return std::move(answer).error();
  if (answer->status != 201) {
    again = retryable_status(answer->status);
    return answer_error(m_session, *answer, "closing PUT of the chunked upload");
  }
  return {};
}

} // namespace acp::oci::detail
