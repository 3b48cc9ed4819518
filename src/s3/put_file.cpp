// put_file: one PUT up to part_size, else a multipart upload that keeps the parts an
// interrupted run already sent. Each region is read twice, once for its digests (the
// signature needs the sha256 before the first byte goes out) and once as it is sent: the file
// is never held in memory.

#include "acpctl/util/strings.hpp"
#include "client_impl.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace acp::s3 {

namespace {

// S3's limits for a multipart upload.
constexpr std::uint64_t k_min_part_size = std::uint64_t{5} << 20;
constexpr std::uint64_t k_max_parts = 10000;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

} // namespace

Result<PutResult> Client::put_file(const std::string& key, const std::filesystem::path& file,
                                   const PutOptions& options) {
  const std::string doing = "uploading " + file.string() + " to " + m_impl->s3_url(key);
  auto input = detail::InputFile::open(file);
  if (!input)
    return std::move(input).error().context(doing);
  if (options.part_size == 0)
    return Error(Errc::invalid_input, doing + ": the part size is 0");
  if (input->size() <= options.part_size)
    return m_impl->put_single(key, *input, file, options, doing);
  return m_impl->put_multipart(key, *input, file, options, doing);
}

Result<PutResult> Client::Impl::put_single(const std::string& key, const detail::InputFile& input,
                                           const std::filesystem::path& file,
                                           const PutOptions& options,
                                           const std::string& doing) const {
  auto digest = detail::digest_region(input.fd(), 0, input.size(), file);
  if (!digest)
    return std::move(digest).error().context(doing);
  Call call{"PUT", key, {}, {}, {input.fd(), 0, input.size(), {}}, digest->sha256, {}};
  auto response = send_ok(call, doing);
  if (!response)
    return std::move(response).error();
  if (options.progress)
    options.progress(input.size(), input.size());
  return PutResult{input.size(), false, 1, 0};
}

Result<PutResult> Client::Impl::put_multipart(const std::string& key,
                                              const detail::InputFile& input,
                                              const std::filesystem::path& file,
                                              const PutOptions& options,
                                              const std::string& doing) const {
  const std::uint64_t size = input.size(), part_size = options.part_size;
  const std::uint64_t count = (size + part_size - 1) / part_size;
  if (part_size < k_min_part_size || count > k_max_parts)
    return Error(Errc::invalid_input,
                 fmt::format("{}: {} in parts of {} makes {} parts; S3 takes parts of at least "
                             "5 MiB and at most {} of them",
                             doing, util::human_bytes(size), util::human_bytes(part_size), count,
                             k_max_parts));
  auto upload_id = find_upload(key, doing);
  if (!upload_id)
    return std::move(upload_id).error();
  std::map<int, detail::PartInfo> existing;
  if (!upload_id->empty()) {
    auto parts = list_parts(key, *upload_id, doing);
    if (!parts)
      return std::move(parts).error();
    if (!*parts)
      upload_id = std::string(); // gone since it was listed, or the server cannot list parts
    else
      for (auto& part : **parts)
        existing[part.number] = std::move(part);
  }
  if (upload_id->empty()) {
    upload_id = start_upload(key, doing);
    if (!upload_id)
      return std::move(upload_id).error();
  }
  PutResult result{size, true, 0, 0};
  std::vector<std::string> etags;
  for (std::uint64_t n = 1; n <= count; ++n) {
    const std::uint64_t offset = (n - 1) * part_size;
    const std::uint64_t length = std::min(part_size, size - offset);
    auto digest = detail::digest_region(input.fd(), offset, length, file);
    if (!digest)
      return std::move(digest).error().context(doing);
    const auto found = existing.find(static_cast<int>(n));
    if (found != existing.end() && found->second.size == length &&
        lower(found->second.etag) == digest->md5) {
      etags.push_back(found->second.etag);
      ++result.parts_reused;
    } else {
      auto etag = upload_part(key, *upload_id, static_cast<int>(n),
                              {input.fd(), offset, length, {}}, digest->sha256, doing);
      if (!etag)
        return std::move(etag).error();
      etags.push_back(std::move(*etag));
      ++result.parts_sent;
    }
    if (options.progress)
      options.progress(offset + length, size);
  }
  auto completed = complete_upload(key, *upload_id, etags, doing);
  if (!completed)
    return std::move(completed).error();
  return result;
}

} // namespace acp::s3
