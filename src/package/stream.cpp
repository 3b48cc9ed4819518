// The single pass: manifest first (signature checked before anything else is trusted), then
// each entry checked against the manifest while its bytes are hashed (and written), then the
// whole file's hash against the sidecar.

#include "stream.hpp"

#include "acpctl/package/sign.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/strings.hpp"
#include "archive_reader.hpp"
#include "output_file.hpp"

#include <fmt/format.h>
#include <map>
#include <unistd.h>
#include <vector>

namespace acp::package::detail {

namespace {

Error bad_entry(Errc code, const std::string& package, const std::string& entry,
                const std::string& why) {
  return Error(code, fmt::format("{}: entry \"{}\": {}", package, entry, why));
}

// Per-file state of the pass: what the manifest says and whether the entry was seen.
struct Expected {
  const FileEntry* file = nullptr;
  bool wanted = false;
  bool seen = false;
};

Result<VerifyReport> pass(const std::filesystem::path& package, const VerifyOptions& options,
                          const Extraction* extract) {
  const std::string name = package.string();
  auto sidecar = read_sidecar(package);
  if (!sidecar)
    return std::move(sidecar).error();
  if (sidecar->empty() && options.require_checksum)
    return Error(Errc::verify, fmt::format("{}.sha256 does not exist", name))
        .with_hint("copy the .sha256 file that came with the package next to it");
  std::string signature;
  if (options.public_key) {
    auto sig = util::read_file(name + ".sig", util::k_max_secret_bytes);
    if (!sig)
      return Error(Errc::verify, fmt::format("{}.sig cannot be read; the package is not signed "
                                             "or the signature was not copied with it",
                                             name));
    signature = std::move(*sig);
  }

  auto opened = ArchiveReader::open(package);
  if (!opened)
    return std::move(opened).error();
  auto& reader = *opened;
  auto manifest_bytes = read_manifest_entry(reader, name);
  if (!manifest_bytes)
    return std::move(manifest_bytes).error();
  VerifyReport report;
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
  const auto& m = report.manifest;
  // Refused before a byte is inflated: the manifest is signed (when a key is given) and every
  // entry is held to its manifest size, so this bounds what the pass can write.
  if (m.total_size() > options.max_total) {
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

  std::map<std::string, Expected, std::less<>> expected;
  for (const auto& c : m.components) {
    const bool wanted =
        extract != nullptr && (!extract->components || extract->components->contains(c.name));
    for (const auto& f : c.files)
      expected[f.path] = Expected{&f, wanted, false};
  }
  for (const auto& f : m.image_files)
    expected[f.path] = Expected{&f, extract != nullptr && !extract->components, false};
  if (extract != nullptr) {
    if (auto s = util::write_file_atomic(extract->dir / k_manifest_name, *manifest_bytes); !s)
      return std::move(s).error();
  }

  std::vector<const FileEntry*> links;
  std::uint64_t total = 0;
  while (true) {
    auto next = reader.next();
    if (!next)
      return std::move(next).error();
    if (!next->has_value())
      break;
    const auto& entry = **next;
    if (auto problem = entry_problem(entry); !problem.empty())
      return bad_entry(Errc::invalid_input, name, entry.path, problem);
    auto it = expected.find(entry.path);
    if (it == expected.end())
      return bad_entry(Errc::invalid_input, name, entry.path, "it is not in the manifest");
    auto& want = it->second;
    if (want.seen)
      return bad_entry(Errc::invalid_input, name, entry.path, "it appears twice in the archive");
    want.seen = true;
    const auto& file = *want.file;
    if (file.is_symlink() != (entry.type == EntryType::symlink))
      return bad_entry(Errc::verify, name, entry.path,
                       fmt::format("it is a {}, the manifest says {}", entry.type_name,
                                   file.is_symlink() ? "symlink" : "regular file"));
    if (file.is_symlink()) {
      if (entry.link != file.symlink)
        return bad_entry(
            Errc::verify, name, entry.path,
            fmt::format("it points to \"{}\", the manifest says \"{}\"", entry.link, file.symlink));
      if (want.wanted)
        links.push_back(&file);
      ++report.entries;
      continue;
    }
    if (entry.size_known && entry.size > file.size)
      return bad_entry(
          Errc::verify, name, entry.path,
          fmt::format("it is {} bytes, larger than the manifest's {}", entry.size, file.size));
    std::optional<OutputFile> out;
    if (want.wanted) {
      auto created = OutputFile::create(extract->dir, entry.path);
      if (!created)
        return std::move(created).error();
      out.emplace(std::move(*created));
    }
    util::Sha256 hash;
    std::uint64_t size = 0;
    while (true) {
      auto block = reader.read();
      if (!block)
        return std::move(block).error().context(fmt::format("entry \"{}\"", entry.path));
      if (block->empty())
        break;
      size += block->size();
      total += block->size();
      if (size > file.size)
        return bad_entry(Errc::verify, name, entry.path,
                         fmt::format("it holds more than the manifest's {} bytes", file.size));
      if (total > options.max_total)
        return bad_entry(Errc::invalid_input, name, entry.path,
                         fmt::format("the entries add up to more than the limit of {}",
                                     util::human_bytes(options.max_total)));
      hash.update(std::span(reinterpret_cast<const unsigned char*>(block->data()), block->size()));
      if (out)
        if (auto s = out->write(*block); !s)
          return std::move(s).error();
    }
    if (size != file.size)
      return bad_entry(Errc::verify, name, entry.path,
                       fmt::format("it is {} bytes, the manifest says {}", size, file.size));
    if (const auto digest = hash.hex_digest(); digest != file.sha256)
      return bad_entry(
          Errc::verify, name, entry.path,
          fmt::format("sha256 {} does not match the manifest's {}", digest, file.sha256));
    if (out) {
      if (auto s = out->close(file.mode); !s)
        return std::move(s).error();
      ++report.written;
    }
    ++report.entries;
    report.bytes += size;
  }
  for (const auto& [path, want] : expected)
    if (!want.seen)
      return bad_entry(Errc::verify, name, path,
                       "it is in the manifest but not in the archive (truncated package?)");
  auto raw = reader.finish_raw_hash();
  if (!raw)
    return std::move(raw).error();
  report.package_sha256 = *raw;
  if (!sidecar->empty()) {
    if (*sidecar != *raw)
      return Error(Errc::verify, fmt::format("{}: sha256 {} does not match {}.sha256 ({})", name,
                                             *raw, name, *sidecar))
          .with_hint("the package changed after it was built; copy it again");
    report.checksum_checked = true;
  }
  report.compression_used = reader.compression();
  // Symlinks last: no file above was written through one.
  for (const auto* link : links) {
    if (auto s = make_parents(extract->dir, link->path); !s)
      return std::move(s).error();
    const auto at = extract->dir / link->path;
    if (::symlink(link->symlink.c_str(), at.c_str()) != 0)
      return Error(Errc::io, util::with_errno("cannot create the symlink " + at.string()));
    ++report.written;
  }
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
