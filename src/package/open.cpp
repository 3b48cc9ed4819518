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
  auto first = reader.next();
  if (!first)
    return std::move(first).error();
  if (!first->has_value() || (*first)->path != k_manifest_name ||
      (*first)->type != detail::EntryType::file)
    return Error(Errc::invalid_input,
                 fmt::format("{}: the first entry is not {}; it is not an acpctl package",
                             package.string(), k_manifest_name));
  OpenedPackage out;
  while (true) {
    auto block = reader.read();
    if (!block)
      return std::move(block).error();
    if (block->empty())
      break;
    if (out.manifest_bytes.size() + block->size() > detail::k_max_manifest)
      return Error(Errc::invalid_input,
                   fmt::format("{}: {} is too large", package.string(), k_manifest_name));
    out.manifest_bytes.append(block->data(), block->size());
  }
  auto manifest =
      parse_manifest(out.manifest_bytes, package.string() + ":" + std::string(k_manifest_name));
  if (!manifest)
    return std::move(manifest).error();
  out.manifest = std::move(*manifest);
  out.compression = reader.compression();
  return out;
}

} // namespace acp::package
