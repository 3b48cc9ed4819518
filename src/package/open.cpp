// Reading only the manifest at the front of a package.

#include "acpctl/package/open.hpp"

#include "archive_reader.hpp"
#include "stream.hpp"

#include <fmt/format.h>

namespace acp::package {

Result<OpenedPackage> open_package(const std::filesystem::path& package) {
  auto opened = detail::ArchiveReader::open(package);
  if (!opened)
    return std::move(opened).error();
  auto& reader = *opened;
  OpenedPackage out;
  auto bytes = detail::read_manifest_entry(reader, package.string());
  if (!bytes)
    return std::move(bytes).error();
  out.manifest_bytes = std::move(*bytes);
  auto manifest =
      parse_manifest(out.manifest_bytes, package.string() + ":" + std::string(k_manifest_name));
  if (!manifest)
    return std::move(manifest).error();
  out.manifest = std::move(*manifest);
  out.compression = reader.compression();
  return out;
}

} // namespace acp::package
