#pragma once
// A small, strict reader for the flat XML that S3 answers with (<Tag>text</Tag> inside a few
// known containers): no attributes are read, no nesting of a tag inside itself, no CDATA. Enough
// for ListObjectsV2, ListMultipartUploads, ListParts and <Error>, without an XML library.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::s3::detail {

/// The raw content of every <tag>...</tag> (or <tag attr="..">...</tag>) in `xml`, in order; a
/// self-closing <tag/> gives an empty one. Entities are left as they are.
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag);

/// The first <tag>'s text with entities decoded; nullopt when there is none or its text holds
/// an entity that is not XML's (&amp; &lt; &gt; &quot; &apos; &#N; &#xH;).
std::optional<std::string> xml_text(std::string_view xml, std::string_view tag);

/// XML text with its entities decoded; nullopt for an unknown or unterminated entity.
std::optional<std::string> xml_decode(std::string_view text);

/// Text made safe inside an element: & < > " ' as entities.
std::string xml_escape(std::string_view text);

} // namespace acp::s3::detail
