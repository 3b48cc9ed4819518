// S3's XML answers read by src/s3/parse.cpp and xml.cpp. The listings are in the shape of the
// examples of AWS's ListObjectsV2, ListMultipartUploads and ListParts API reference pages.

#include "s3/parse.hpp"
#include "s3/xml.hpp"

#include <doctest/doctest.h>

using namespace acp::s3;
using namespace acp::s3::detail;

namespace {

constexpr std::string_view k_list_page = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name>
  <Prefix/>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <KeyCount>3</KeyCount>
  <MaxKeys>3</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents>
    <Key>ExampleObject.txt</Key>
    <LastModified>2013-09-17T18:07:53.000Z</LastModified>
    <ETag>"599bab3ed2c697f1d26842727561fd94"</ETag>
    <Size>857</Size>
    <StorageClass>REDUCED_REDUNDANCY</StorageClass>
  </Contents>
  <Contents>
    <Key>my-image.jpg</Key>
    <LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
    <Size>434234</Size>
    <StorageClass>STANDARD</StorageClass>
    <Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
      <DisplayName>mtd@amazon.com</DisplayName></Owner>
  </Contents>
  <Contents>
    <Key>etcd/snap &amp; &lt;1&gt; &quot;q&quot; &apos;a&apos; &#233;&#x4E2D;.db</Key>
    <LastModified>2026-01-02T03:04:05Z</LastModified>
    <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag>
    <Size>18446744073709551615</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
</ListBucketResult>)";

} // namespace

TEST_SUITE("s3::parse") {
  TEST_CASE("a ListObjectsV2 page gives keys, sizes, times and ETags, and the next token") {
    auto page = parse_list_page(k_list_page);
    REQUIRE(page.ok());
    REQUIRE(page->objects.size() == 3);
    CHECK(page->truncated);
    CHECK(page->next_token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    CHECK(page->objects[0].key == "ExampleObject.txt");
    CHECK(page->objects[0].size == 857);
    CHECK(page->objects[0].modified == 1379441273);
    CHECK(page->objects[0].etag == "599bab3ed2c697f1d26842727561fd94");
    CHECK(page->objects[1].key == "my-image.jpg");
    CHECK(page->objects[1].modified == 1255369830);
    CHECK(page->objects[1].etag == "fba9dede5f27731c9771645a39863328");
    CHECK(page->objects[2].key == "etcd/snap & <1> \"q\" 'a' \xC3\xA9\xE4\xB8\xAD.db");
    CHECK(page->objects[2].size == 18446744073709551615ull);
    CHECK(page->objects[2].etag == "3858f62230ac3c915f300c664312c11f-9");
  }

  TEST_CASE("an empty listing is no objects; a broken one is an error, not fewer objects") {
    auto empty = parse_list_page("<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount>"
                                 "<IsTruncated>false</IsTruncated></ListBucketResult>");
    REQUIRE(empty.ok());
    CHECK(empty->objects.empty());
    CHECK_FALSE(empty->truncated);
    CHECK_FALSE(parse_list_page("<html>not S3</html>").ok());
    CHECK_FALSE(parse_list_page("<ListBucketResult><Contents><Key>a &bogus; b</Key><Size>1</Size>"
                                "<LastModified>2026-01-02T03:04:05Z</LastModified></Contents>"
                                "</ListBucketResult>")
                    .ok());
    CHECK_FALSE(parse_list_page("<ListBucketResult><Contents><Key>a</Key><Size>-1</Size>"
                                "<LastModified>2026-01-02T03:04:05Z</LastModified></Contents>"
                                "</ListBucketResult>")
                    .ok());
    CHECK_FALSE(parse_list_page("<ListBucketResult><IsTruncated>true</IsTruncated>"
                                "</ListBucketResult>")
                    .ok());
  }

  TEST_CASE("ISO 8601 times are read as UTC seconds, strictly") {
    CHECK(parse_iso8601("1970-01-01T00:00:00Z") == 0);
    CHECK(parse_iso8601("2009-10-12T17:50:30.000Z") == 1255369830);
    CHECK(parse_iso8601("2024-02-29T23:59:59.123456Z") == 1709251199);
    CHECK(parse_iso8601("2009-10-12T19:50:30+02:00") == 1255369830);
    CHECK(parse_iso8601("2009-10-12T12:50:30-05:00") == 1255369830);
    CHECK_FALSE(parse_iso8601("2023-02-29T00:00:00Z"));
    CHECK_FALSE(parse_iso8601("2009-10-12 17:50:30Z"));
    CHECK_FALSE(parse_iso8601("2009-10-12T17:50:30"));
    CHECK_FALSE(parse_iso8601("2009-13-12T17:50:30Z"));
    CHECK_FALSE(parse_iso8601("2009-10-12T24:00:00Z"));
    CHECK_FALSE(parse_iso8601("2009-10-12T17:50:30.Z"));
    CHECK_FALSE(parse_iso8601(""));
  }

  TEST_CASE("unfinished uploads and their parts are read, the keys decoded") {
    auto uploads = parse_uploads_page(
        R"(<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>bucket</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>my-movie.m2ts</NextKeyMarker><NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker>
  <MaxUploads>3</MaxUploads><IsTruncated>true</IsTruncated>
  <Upload><Key>my-divisor</Key><UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>
    <Initiator><ID>arn:aws:iam::111122223333:user/user1</ID><DisplayName>user1</DisplayName></Initiator>
    <StorageClass>STANDARD</StorageClass><Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>
  <Upload><Key>a &amp; b</Key><UploadId>VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
    <Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>
</ListMultipartUploadsResult>)");
    REQUIRE(uploads.ok());
    REQUIRE(uploads->uploads.size() == 2);
    CHECK(uploads->uploads[1].key == "a & b");
    CHECK(uploads->uploads[1].upload_id ==
          "VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA");
    CHECK(uploads->truncated);
    CHECK(uploads->next_key_marker == "my-movie.m2ts");

    auto parts =
        parse_parts_page(R"(<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>example-bucket</Bucket><Key>example-object</Key>
  <UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>
  <PartNumberMarker>1</PartNumberMarker><NextPartNumberMarker>3</NextPartNumberMarker>
  <MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>
  <Part><PartNumber>2</PartNumber><LastModified>2010-11-10T20:48:34.000Z</LastModified>
    <ETag>"7778aef83f66abc1fa1e8477f296d394"</ETag><Size>10485760</Size></Part>
  <Part><PartNumber>3</PartNumber><LastModified>2010-11-10T20:48:33.000Z</LastModified>
    <ETag>"aaaa18db4cc2f85cedef654fccc4a4x8"</ETag><Size>10485760</Size></Part>
</ListPartsResult>)");
    REQUIRE(parts.ok());
    REQUIRE(parts->parts.size() == 2);
    CHECK(parts->parts[0].number == 2);
    CHECK(parts->parts[0].etag == "7778aef83f66abc1fa1e8477f296d394");
    CHECK(parts->parts[1].size == 10485760);
    CHECK(parts->next_marker == "3");
    CHECK_FALSE(parse_parts_page("<ListPartsResult><Part><PartNumber>0</PartNumber>"
                                 "<ETag>x</ETag><Size>1</Size></Part></ListPartsResult>")
                    .ok());
  }

  TEST_CASE("an upload id is read from the start of a multipart upload") {
    auto id = parse_upload_id(
        R"(<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>example-bucket</Bucket><Key>example-object</Key>
  <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
</InitiateMultipartUploadResult>)");
    REQUIRE(id.ok());
    CHECK(*id == "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA");
    CHECK_FALSE(parse_upload_id("<InitiateMultipartUploadResult/>").ok());
  }

  TEST_CASE("the XML reader: tags by exact name, entities strictly") {
    CHECK(xml_elements("<KeyCount>2</KeyCount><Key>a</Key>", "Key").size() == 1);
    CHECK(xml_text("<a><Prefix/></a>", "Prefix") == "");
    CHECK(xml_text("<Key>x</Key>", "Nope") == std::nullopt);
    CHECK(xml_decode("&#65;&#x42;&amp;amp;") == "AB&amp;");
    CHECK_FALSE(xml_decode("&#0;"));
    CHECK_FALSE(xml_decode("&#xD800;"));
    CHECK_FALSE(xml_decode("a & b"));
    CHECK(xml_escape("<a href=\"x\">'&'</a>") ==
          "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  }

  TEST_CASE("an error body gives its code, message and key; anything else gives nothing") {
    const auto fields = parse_error("<Error><Code>NoSuchKey</Code><Message>gone</Message>"
                                    "<Key>a/b</Key></Error>");
    CHECK(fields.code == "NoSuchKey");
    CHECK(fields.message == "gone");
    CHECK(fields.key == "a/b");
    CHECK(parse_error("<html>502</html>").code.empty());
  }
}
