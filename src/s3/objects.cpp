// The small operations: put_text, list, get_file, get_text, remove.

#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "client_impl.hpp"
#include "parse.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace acp::s3 {

namespace {

// The download's temp file beside the target; removed unless released after the rename.
class TempDownload {
public:
  explicit TempDownload(const std::filesystem::path& target) {
    const auto dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    m_path = (dir / ("." + target.filename().string() + ".part-XXXXXX")).string();
    m_fd = mkostemp(m_path.data(), O_CLOEXEC);
  }
  ~TempDownload() {
    if (m_fd >= 0)
      close(m_fd);
    if (!m_renamed)
      unlink(m_path.c_str());
  }
  TempDownload(const TempDownload&) = delete;
  TempDownload& operator=(const TempDownload&) = delete;

  int fd() const { return m_fd; }
  const std::string& path() const { return m_path; }
  /// fsync, close and rename over `target`.
  Status commit(const std::filesystem::path& target) {
    if (fsync(m_fd) != 0)
      return Error(Errc::io, util::with_errno("cannot write " + m_path));
    close(m_fd);
    m_fd = -1;
    if (std::rename(m_path.c_str(), target.c_str()) != 0)
      return Error(Errc::io,
                   util::with_errno("cannot rename " + m_path + " to " + target.string()));
    m_renamed = true;
    return {};
  }

private:
  std::string m_path;
  int m_fd = -1;
  bool m_renamed = false;
};

Call get_call(std::string key) {
  return Call{"GET", std::move(key), {}, {}, {}, std::string(k_empty_payload_sha256), {}};
}

} // namespace

Status Client::put_text(const std::string& key, std::string_view content) {
  Call call{"PUT", key, {}, {}, {}, util::sha256_hex(content), {}};
  call.body.text = content;
  auto response = m_impl->send_ok(call, "uploading " + m_impl->s3_url(key));
  if (!response)
    return std::move(response).error();
  return {};
}

Result<std::vector<ObjectInfo>> Client::list(const std::string& prefix) {
  std::vector<ObjectInfo> objects;
  const std::string doing = "listing " + m_impl->s3_url(prefix);
  std::string token;
  // A bound on pages so a server that repeats its token cannot keep the loop going forever.
  for (int page_number = 0; page_number < 100000; ++page_number) {
    Call call = get_call("");
    call.query = {{"list-type", "2"}, {"prefix", prefix}};
    if (!token.empty())
      call.query.emplace_back("continuation-token", token);
    call.sink.max_bytes = std::size_t{16} << 20;
    auto response = m_impl->send_ok(call, doing);
    if (!response)
      return std::move(response).error();
    auto page = detail::parse_list_page(response->body);
    if (!page)
      return std::move(page).error().context(doing);
    for (auto& object : page->objects)
      objects.push_back(std::move(object));
    if (!page->truncated)
      return objects;
    if (page->next_token == token)
      break;
    token = std::move(page->next_token);
  }
  return Error(Errc::failed, doing + ": S3 kept answering with the same continuation token");
}

Status Client::get_file(const std::string& key, const std::filesystem::path& local) {
  const std::string doing = "downloading " + m_impl->s3_url(key) + " to " + local.string();
  TempDownload temp(local);
  if (temp.fd() < 0)
    return Error(Errc::io, util::with_errno("cannot create " + temp.path())).context(doing);
  Call call = get_call(key);
  call.sink.fd = temp.fd();
  auto response = m_impl->send_ok(call, doing);
  if (!response)
    return std::move(response).error();
  auto committed = temp.commit(local);
  if (!committed)
    return std::move(committed).error().context(doing);
  return {};
}

Result<std::string> Client::get_text(const std::string& key, std::size_t max_bytes) {
  Call call = get_call(key);
  call.sink.max_bytes = max_bytes;
  auto response = m_impl->send_ok(call, "reading " + m_impl->s3_url(key));
  if (!response)
    return std::move(response).error();
  return std::move(response->body);
}

Status Client::remove(const std::string& key) {
  Call call = get_call(key);
  call.method = "DELETE";
  auto response = m_impl->send(call, "removing " + m_impl->s3_url(key));
  if (!response)
    return std::move(response).error();
  // A 404 for the key is what "already gone" looks like; one for the bucket is not.
  const bool gone =
      response->status == 404 && detail::parse_error(response->body).code != "NoSuchBucket";
  if (gone || (response->status >= 200 && response->status < 300))
    return {};
  return response_error(response->status, response->body, m_impl->endpoint,
                        "removing " + m_impl->s3_url(key));
}

} // namespace acp::s3
