// The single pass: manifest first (signature checked before anything else is trusted), then
// each entry checked against the manifest while its bytes are hashed and written
// (stream_entries.cpp), then the whole file's hash against the sidecar.

#include "stream.hpp"

#include "acpctl/package/sign.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/strings.hpp"
#include "archive_reader.hpp"
#include "image_layout.hpp"
#include "output_file.hpp"

#include <fmt/format.h>
#include <map>
#include <unistd.h>
#include <vector>

namespace acp::package::detail {

namespace {

// The .sha256 and .sig files next to the package, read before the archive is opened.
struct Sidecars {
  std::string sha256;    ///< "" when there is none
  std::string signature; ///< read only when a public key is given
};

Result<Sidecars> read_sidecars(const std::filesystem::path& package, const VerifyOptions& options) {
  const std::string name = package.string();
  auto sidecar = read_sidecar(package);
  if (!sidecar)
    return std::move(sidecar).error();
  if (sidecar->empty() && options.require_checksum)
    return Error(Errc::verify, fmt::format("{}.sha256 does not exist", name))
        .with_hint("copy the .sha256 file that came with the package next to it");
  Sidecars out{std::move(*sidecar), {}};
  if (options.public_key) {
    auto sig = util::read_file(name + ".sig", util::k_max_secret_bytes);
    if (!sig)
      return Error(Errc::verify, fmt::format("{}.sig cannot be read; the package is not signed "
                                             "or the signature was not copied with it",
                                             name));
    out.signature = std::move(*sig);
  }
  return out;
}

// Reads package.yaml, checks its signature (when a key is given) and parses it into `report`;
// returns its bytes.
Result<std::string> read_trusted_manifest(ArchiveReader& reader, const std::string& name,
                                          const VerifyOptions& options,
                                          const std::string& signature, VerifyReport& report) {
  auto manifest_bytes = read_manifest_entry(reader, name);
  if (!manifest_bytes)
    return std::move(manifest_bytes).error();
  report.manifest_sha256 = util::sha256_hex(*manifest_bytes);
  if (options.public_key) {
    if (auto s = verify_signature(*manifest_bytes, signature, *options.public_key); !s)
      return std::move(s).error().context(fmt::format("{}: {}", name, k_manifest_name));
    report.signature_checked = true;
  }
  auto manifest = parse_manifest(*manifest_bytes, name + ":" + std::string(k_manifest_name));
  if (!manifest)
    return std::move(manifest).error();
  report.manifest = std::move(*manifest);
  return manifest_bytes;
}

// Refused before a byte is inflated: the manifest is signed (when a key is given) and every
// entry is held to its manifest size, so this bounds what the pass can write.
Status check_total_size(const Manifest& m, const std::string& name, const VerifyOptions& options) {
  if (m.total_size() <= options.max_total)
    return {};
  const FileEntry* largest = nullptr;
  for (const auto* f : m.all_files())
    if (largest == nullptr || f->size > largest->size)
      largest = f;
  return Error(Errc::invalid_input,
               fmt::format("{}: its files add up to {}, beyond the limit of {} (the largest "
                           "entry: \"{}\", {})",
                           name, util::human_bytes(m.total_size()),
                           util::human_bytes(options.max_total), largest->path,
                           util::human_bytes(largest->size)))
      .with_hint("raise the limit with --max-size if this package is expected to be that big");
}

// The whole file's hash, against the sidecar when there is one.
Status check_package_hash(ArchiveReader& reader, const std::string& name,
                          const std::string& sidecar, VerifyReport& report) {
  auto raw = reader.finish_raw_hash();
  if (!raw)
    return std::move(raw).error();
  report.package_sha256 = *raw;
  if (!sidecar.empty()) {
    if (sidecar != *raw)
      return Error(Errc::verify, fmt::format("{}: sha256 {} does not match {}.sha256 ({})", name,
                                             *raw, name, sidecar))
          .with_hint("the package changed after it was built; copy it again");
    report.checksum_checked = true;
  }
  return {};
}

// Symlinks last: no file was written through one.
// After the pass: every image reaches only blobs the package holds (read from the small JSON
// entries kept during the pass).
Status check_images(const Manifest& m, const ExpectedFiles& expected, const std::string& name) {
  if (m.image_files.empty())
    return {};
  return check_image_refs(
      m,
      [&](const std::string& path) -> std::optional<std::string> {
        const auto it = expected.find(path);
        return it == expected.end() ? std::nullopt : it->second.json;
      },
      name);
}

Status make_links(const std::vector<const FileEntry*>& links, const Extraction& extract,
                  VerifyReport& report) {
  for (const auto* link : links) {
    if (auto s = make_parents(extract.dir, link->path); !s)
      return std::move(s).error();
    const auto at = extract.dir / link->path;
    if (::symlink(link->symlink.c_str(), at.c_str()) != 0)
      return Error(Errc::io, util::with_errno("cannot create the symlink " + at.string()));
    ++report.written;
  }
  return {};
}

Result<VerifyReport> pass(const std::filesystem::path& package, const VerifyOptions& options,
                          const Extraction* extract) {
  const std::string name = package.string();
  auto sidecars = read_sidecars(package, options);
  if (!sidecars)
    return std::move(sidecars).error();
  auto opened = ArchiveReader::open(package);
  if (!opened)
    return std::move(opened).error();
  auto& reader = *opened;
  VerifyReport report;
  auto manifest_bytes = read_trusted_manifest(reader, name, options, sidecars->signature, report);
  if (!manifest_bytes)
    return std::move(manifest_bytes).error();
  if (auto s = check_total_size(report.manifest, name, options); !s)
    return std::move(s).error();
  auto expected = expected_files(report.manifest, extract);
  if (extract != nullptr) {
    if (auto s = util::write_file_atomic(extract->dir / k_manifest_name, *manifest_bytes); !s)
      return std::move(s).error();
  }
  std::vector<const FileEntry*> links;
  if (auto s = check_entries(reader, name, options, extract, expected, links, report); !s)
    return std::move(s).error();
  if (auto s = check_images(report.manifest, expected, name); !s)
    return std::move(s).error();
  if (auto s = check_package_hash(reader, name, sidecars->sha256, report); !s)
    return std::move(s).error();
  report.compression_used = reader.compression();
  if (!links.empty())
    if (auto s = make_links(links, *extract, report); !s)
      return std::move(s).error();
  return report;
}

} // namespace

Result<VerifyReport> single_pass(const std::filesystem::path& package, const VerifyOptions& options,
                                 const Extraction* extract) {
  auto report = pass(package, options, extract);
  if (report || report.error().code() != Errc::invalid_input)
    return report;
  // A damaged archive usually means a damaged copy: say so when the sidecar can tell.
  auto sidecar = read_sidecar(package);
  if (!sidecar || sidecar->empty())
    return report;
  auto actual = util::sha256_file(package);
  if (!actual || *actual == *sidecar)
    return report;
  return Error(Errc::verify, fmt::format("{} (and its sha256 {} does not match {}.sha256)",
                                         report.error().message(), *actual, package.string()))
      .with_hint("the package was damaged or changed after it was built; copy it again");
}

Result<std::string> read_manifest_entry(ArchiveReader& reader, const std::string& name) {
  auto first = reader.next();
  if (!first)
    return std::move(first).error();
  if (!first->has_value())
    return Error(Errc::invalid_input, name + ": the archive is empty; it is not a package");
  const auto& entry = **first;
  if (entry.path != k_manifest_name || entry.type != EntryType::file)
    return Error(Errc::invalid_input,
                 fmt::format("{}: the first entry is \"{}\", not {}; it is not an acpctl package",
                             name, entry.path, k_manifest_name));
  std::string bytes;
  while (true) {
    auto block = reader.read();
    if (!block)
      return std::move(block).error();
    if (block->empty())
      break;
    if (bytes.size() + block->size() > k_max_manifest)
      return Error(Errc::invalid_input,
                   fmt::format("{}: {} is larger than {}", name, k_manifest_name,
                               util::human_bytes(k_max_manifest)));
    bytes.append(block->data(), block->size());
  }
  return bytes;
}

} // namespace acp::package::detail
