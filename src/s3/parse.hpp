#pragma once
// S3's XML answers read into plain values: a ListObjectsV2 page, a ListMultipartUploads page,
// a ListParts page, an InitiateMultipartUpload result and an <Error>. Pure functions, so the unit
// tests read AWS's documented answers through them.

#include "acpctl/s3/client.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::s3::detail {

/// One page of ListObjectsV2.
struct ListPage {
  std::vector<ObjectInfo> objects;
  bool truncated = false;
  std::string next_token; ///< NextContinuationToken, when truncated
};

/// An unfinished multipart upload.
struct UploadInfo {
  std::string key;
  std::string upload_id;
};

/// One page of ListMultipartUploads.
struct UploadsPage {
  std::vector<UploadInfo> uploads;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

/// A part an unfinished multipart upload already holds.
struct PartInfo {
  int number = 0;
  std::string etag; ///< without quotes
  std::uint64_t size = 0;
};

/// One page of ListParts.
struct PartsPage {
  std::vector<PartInfo> parts;
  bool truncated = false;
  std::string next_marker; ///< NextPartNumberMarker
};

/// The <Code>, <Message> and (NoSuchKey) <Key> of an <Error> answer; empty when absent.
struct ErrorFields {
  std::string code;
  std::string message;
  std::string key;
};

/// "2009-10-12T17:50:30.000Z" (fraction optional; "Z" or "+hh:mm"/"-hh:mm") as seconds since
/// 1970 UTC; nullopt for anything else or an impossible date.
std::optional<std::int64_t> parse_iso8601(std::string_view text);

/// An ETag without its surrounding double quotes.
std::string strip_quotes(std::string_view etag);

/// Each fails with Errc::failed "unexpected answer: ..." when a required element is missing or
/// malformed (a key with a bad entity, a size that is not a number).
Result<ListPage> parse_list_page(std::string_view xml);
Result<UploadsPage> parse_uploads_page(std::string_view xml);
Result<PartsPage> parse_parts_page(std::string_view xml);
/// The UploadId of an InitiateMultipartUploadResult.
Result<std::string> parse_upload_id(std::string_view xml);

/// Whatever of <Error> is there; never fails (an HTML error page gives empty fields).
ErrorFields parse_error(std::string_view xml);

} // namespace acp::s3::detail
