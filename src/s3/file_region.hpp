#pragma once
// The local side of an upload: an open file (util/input_file.hpp) and the digests of one of
// its regions, read once before the region is sent: sha256 for the signature, MD5 to compare
// with the ETag of a part an interrupted upload already sent.

#include "acpctl/util/error.hpp"
#include "util/input_file.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace acp::s3::detail {

/// A regular file open for reading, with its size (util's, shared with the OCI client).
using InputFile = util::detail::InputFile;

/// Lower-case hex digests of a region.
struct RegionDigest {
  std::string sha256;
  std::string md5;
};

/// Reads [offset, offset + length) of `fd` once; fails with Errc::io naming `path` when it
/// cannot be read or ends early.
Result<RegionDigest> digest_region(int fd, std::uint64_t offset, std::uint64_t length,
                                   const std::filesystem::path& path);

} // namespace acp::s3::detail
