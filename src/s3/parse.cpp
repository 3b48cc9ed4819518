// S3's list and multipart answers. Every required element is checked: a page misread as
// empty would make a resumed upload start over or a listing silently miss objects.

#include "parse.hpp"

#include "xml.hpp"

#include <charconv>
#include <chrono>

namespace acp::s3::detail {

namespace {

Error unexpected(std::string_view what, std::string_view tag) {
  return Error(Errc::failed, "unexpected answer from S3: " + std::string(what) +
                                 " without a valid <" + std::string(tag) + ">");
}

template <class N> std::optional<N> number(std::string_view text) {
  N value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end)
    return std::nullopt;
  return value;
}

bool is_true(std::string_view xml, std::string_view tag) {
  return xml_text(xml, tag).value_or("") == "true";
}

std::optional<int> two_digits(std::string_view text, std::size_t at) {
  if (at + 2 > text.size())
    return std::nullopt;
  return number<int>(text.substr(at, 2));
}

Result<ObjectInfo> parse_object(std::string_view xml) {
  ObjectInfo info;
  auto key = xml_text(xml, "Key");
  if (!key || key->empty())
    return unexpected("<Contents>", "Key");
  info.key = std::move(*key);
  const auto size = number<std::uint64_t>(xml_text(xml, "Size").value_or(""));
  if (!size)
    return unexpected("<Contents>", "Size");
  info.size = *size;
  const auto modified = parse_iso8601(xml_text(xml, "LastModified").value_or(""));
  if (!modified)
    return unexpected("<Contents>", "LastModified");
  info.modified = *modified;
  info.etag = strip_quotes(xml_text(xml, "ETag").value_or(""));
  return info;
}

} // namespace

std::optional<std::int64_t> parse_iso8601(std::string_view t) {
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':')
    return std::nullopt;
  const auto y = number<int>(t.substr(0, 4));
  const auto mo = two_digits(t, 5), d = two_digits(t, 8);
  const auto hour = two_digits(t, 11), min = two_digits(t, 14), sec = two_digits(t, 17);
  if (!y || !mo || !d || !hour || !min || !sec || *hour > 23 || *min > 59 || *sec > 60)
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(*y),
                                         std::chrono::month(static_cast<unsigned>(*mo)),
                                         std::chrono::day(static_cast<unsigned>(*d))};
  if (!date.ok())
    return std::nullopt;
  std::size_t at = 19;
  if (at < t.size() && t[at] == '.') {
    ++at;
    const std::size_t digits_from = at;
    while (at < t.size() && t[at] >= '0' && t[at] <= '9')
      ++at;
    if (at == digits_from)
      return std::nullopt;
  }
  std::int64_t offset = 0;
  const std::string_view zone = t.substr(at);
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const auto oh = two_digits(zone, 1), om = two_digits(zone, 4);
    if (!oh || !om || *oh > 23 || *om > 59)
      return std::nullopt;
    offset = (zone[0] == '+' ? 1 : -1) * (*oh * 3600 + *om * 60);
  } else if (zone != "Z") {
    return std::nullopt;
  }
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  return std::int64_t{days} * 86400 + *hour * 3600 + *min * 60 + *sec - offset;
}

std::string strip_quotes(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

Result<ListPage> parse_list_page(std::string_view xml) {
  if (xml_elements(xml, "ListBucketResult").empty())
    return unexpected("a listing", "ListBucketResult");
  ListPage page;
  for (const auto contents : xml_elements(xml, "Contents")) {
    auto info = parse_object(contents);
    if (!info)
      return std::move(info).error();
    page.objects.push_back(std::move(*info));
  }
  page.truncated = is_true(xml, "IsTruncated");
  if (page.truncated) {
    page.next_token = xml_text(xml, "NextContinuationToken").value_or("");
    if (page.next_token.empty())
      return unexpected("a truncated listing", "NextContinuationToken");
  }
  return page;
}

Result<UploadsPage> parse_uploads_page(std::string_view xml) {
  if (xml_elements(xml, "ListMultipartUploadsResult").empty())
    return unexpected("a list of uploads", "ListMultipartUploadsResult");
  UploadsPage page;
  for (const auto upload : xml_elements(xml, "Upload")) {
    auto key = xml_text(upload, "Key");
    auto id = xml_text(upload, "UploadId");
    if (!key || !id || id->empty())
      return unexpected("an <Upload>", !key ? "Key" : "UploadId");
    page.uploads.push_back({std::move(*key), std::move(*id)});
  }
  page.truncated = is_true(xml, "IsTruncated");
  page.next_key_marker = xml_text(xml, "NextKeyMarker").value_or("");
  page.next_upload_id_marker = xml_text(xml, "NextUploadIdMarker").value_or("");
  return page;
}

Result<PartsPage> parse_parts_page(std::string_view xml) {
  // AWS documents <ListPartsResult>; moto answers <ListPartsResponse>.
  if (xml_elements(xml, "ListPartsResult").empty() &&
      xml_elements(xml, "ListPartsResponse").empty())
    return unexpected("a list of parts", "ListPartsResult");
  PartsPage page;
  for (const auto part : xml_elements(xml, "Part")) {
    const auto n = number<int>(xml_text(part, "PartNumber").value_or(""));
    const auto size = number<std::uint64_t>(xml_text(part, "Size").value_or(""));
    const auto etag = xml_text(part, "ETag");
    if (!n || *n < 1 || !size || !etag)
      return unexpected("a <Part>", !n || *n < 1 ? "PartNumber" : !size ? "Size" : "ETag");
    page.parts.push_back({*n, strip_quotes(*etag), *size});
  }
  page.truncated = is_true(xml, "IsTruncated");
  page.next_marker = xml_text(xml, "NextPartNumberMarker").value_or("");
  if (page.truncated && page.next_marker.empty())
    return unexpected("a truncated list of parts", "NextPartNumberMarker");
  return page;
}

Result<std::string> parse_upload_id(std::string_view xml) {
  auto id = xml_text(xml, "UploadId");
  if (!id || id->empty())
    return unexpected("the start of a multipart upload", "UploadId");
  return std::move(*id);
}

ErrorFields parse_error(std::string_view xml) {
  const auto error = xml_elements(xml, "Error");
  if (error.empty())
    return {};
  return {xml_text(error.front(), "Code").value_or(""),
          xml_text(error.front(), "Message").value_or(""),
          xml_text(error.front(), "Key").value_or("")};
}

} // namespace acp::s3::detail
