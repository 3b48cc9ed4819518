// The multipart upload's requests: find an unfinished upload of the key and its parts, start
// one, send a part, complete. A failed upload is left as it is: the next run resumes it.

#include "acpctl/util/hash.hpp"
#include "acpctl/util/log.hpp"
#include "client_impl.hpp"
#include "xml.hpp"

#include <fmt/format.h>

namespace acp::s3 {

namespace {

// A bound on list pages, so a server that keeps answering "truncated" cannot loop us forever.
constexpr int k_max_pages = 1000;

// S3 servers that implement no listing of uploads or parts (s3rver answers 501 Not Implemented
// or 405 Method Not Allowed): the upload cannot be resumed, only started over.
bool cannot_list(long status) {
  return status == 501 || status == 405;
}

Call get_call(std::string key, std::vector<Field> query) {
  return Call{"GET", std::move(key), std::move(query), {}, {}, std::string(k_empty_payload_sha256),
              {}};
}

} // namespace

Result<std::string> Client::Impl::find_upload(const std::string& key,
                                              const std::string& doing) const {
  std::string found, key_marker, id_marker;
  for (int page_number = 0; page_number < k_max_pages; ++page_number) {
    Call call = get_call("", {{"uploads", ""}, {"prefix", key}});
    if (!key_marker.empty())
      call.query.insert(call.query.end(),
                        {{"key-marker", key_marker}, {"upload-id-marker", id_marker}});
    auto response = send(call, doing);
    if (!response)
      return std::move(response).error();
    if (cannot_list(response->status)) {
      log::debug(fmt::format("s3: {} lists no multipart uploads (status {}): a new upload",
                             endpoint.url, response->status));
      return std::string();
    }
    if (response->status < 200 || response->status > 299)
      return response_error(response->status, response->body, endpoint, doing);
    auto page = detail::parse_uploads_page(response->body);
    if (!page)
      return std::move(page).error().context(doing);
    // Listed oldest first: the last one of the key is the latest.
    for (const auto& upload : page->uploads)
      if (upload.key == key)
        found = upload.upload_id;
    if (!page->truncated || page->next_key_marker.empty())
      return found;
    key_marker = page->next_key_marker;
    id_marker = page->next_upload_id_marker;
  }
  return found;
}

Result<std::optional<std::vector<detail::PartInfo>>>
Client::Impl::list_parts(const std::string& key, const std::string& upload_id,
                         const std::string& doing) const {
  std::vector<detail::PartInfo> parts;
  std::string marker;
  for (int page_number = 0; page_number < k_max_pages; ++page_number) {
    Call call = get_call(key, {{"uploadId", upload_id}});
    if (!marker.empty())
      call.query.emplace_back("part-number-marker", marker);
    auto response = send(call, doing);
    if (!response)
      return std::move(response).error();
    if (cannot_list(response->status) || response->status == 404)
      return std::optional<std::vector<detail::PartInfo>>();
    if (response->status < 200 || response->status > 299)
      return response_error(response->status, response->body, endpoint, doing);
    auto page = detail::parse_parts_page(response->body);
    if (!page)
      return std::move(page).error().context(doing);
    parts.insert(parts.end(), page->parts.begin(), page->parts.end());
    if (!page->truncated)
      break;
    marker = page->next_marker;
  }
  return std::optional(std::move(parts));
}

Result<std::string> Client::Impl::start_upload(const std::string& key,
                                               const std::string& doing) const {
  Call call = get_call(key, {{"uploads", ""}});
  call.method = "POST";
  auto response = send_ok(call, doing);
  if (!response)
    return std::move(response).error();
  auto id = detail::parse_upload_id(response->body);
  if (!id)
    return std::move(id).error().context(doing);
  return id;
}

Result<std::string> Client::Impl::upload_part(const std::string& key, const std::string& upload_id,
                                              int number, const detail::Body& body,
                                              const std::string& sha256,
                                              const std::string& doing) const {
  Call call{"PUT", key,  {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}},
            {},    body, sha256,
            {}};
  const std::string part_doing = fmt::format("{} (part {})", doing, number);
  auto response = send_ok(call, part_doing);
  if (!response)
    return std::move(response).error();
  std::string etag = detail::strip_quotes(response->etag);
  if (etag.empty())
    return Error(Errc::failed, part_doing + ": S3 answered without the part's ETag");
  return etag;
}

Status Client::Impl::complete_upload(const std::string& key, const std::string& upload_id,
                                     const std::vector<std::string>& etags,
                                     const std::string& doing) const {
  std::string xml = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < etags.size(); ++i)
    xml += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>\"{}\"</ETag></Part>", i + 1,
                       detail::xml_escape(etags[i]));
  xml += "</CompleteMultipartUpload>";
  Call call{"POST",
            key,
            {{"uploadId", upload_id}},
            {{"content-type", "application/xml"}},
            {},
            util::sha256_hex(xml),
            {}};
  call.body.text = xml;
  auto response = send_ok(call, doing);
  if (!response)
    return std::move(response).error();
  // S3 may answer 200 and still fail: the error is then in the body.
  if (!detail::xml_elements(response->body, "Error").empty())
    return response_error(response->status, response->body, endpoint, doing);
  return {};
}

} // namespace acp::s3
