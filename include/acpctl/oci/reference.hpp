#pragma once
// Image references as docker reads them: [REGISTRY/]REPOSITORY[:TAG][@DIGEST], with docker's
// grammar for each part. Pure, for the unit tests and for every caller that names an image.

#include "acpctl/util/error.hpp"

#include <string>
#include <string_view>

namespace acp::oci {

/// A parsed image reference.
struct Reference {
  std::string registry;   ///< "registry.alauda.cn", "host:5000", "[::1]:5000"; "docker.io" if none
  std::string repository; ///< "acp/etcd"; a one-part name on docker.io gets "library/"
  std::string tag;        ///< "v3.4.23"; "latest" when neither a tag nor a digest is given
  std::string digest;     ///< "sha256:<64 hex>" or ""
};

/// Parses `text` by docker's rules: the first part is the registry when it holds a '.' or a
/// ':', is "localhost" or a bracketed IPv6 address; path components are lower-case
/// [a-z0-9] separated by '.', '_', '__' or '-'s; a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127};
/// a digest is sha256 with 64 lower-case hex digits; the name is at most 255 characters.
/// Fails with Errc::invalid_input naming the reference and the part that is wrong.
Result<Reference> parse_reference(std::string_view text);

/// Whether `repository` is a valid repository path ("acp/etcd").
bool valid_repository(std::string_view repository);
/// Whether `tag` is a valid tag.
bool valid_tag(std::string_view tag);
/// Whether `digest` is "sha256:" and 64 lower-case hex digits (the only digests acpctl uses).
bool valid_digest(std::string_view digest);

/// The reference as text: "registry/repository:tag@digest", leaving out what is empty.
std::string to_string(const Reference& reference);

} // namespace acp::oci
