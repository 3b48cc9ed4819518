// The entries of the single pass, after package.yaml: each checked against the manifest while
// its bytes are hashed (and written when wanted).

#include "acpctl/util/hash.hpp"
#include "acpctl/util/strings.hpp"
#include "archive_reader.hpp"
#include "image_layout.hpp"
#include "output_file.hpp"
#include "stream.hpp"

#include <fmt/format.h>

namespace acp::package::detail {

namespace {

Error bad_entry(Errc code, const std::string& package, const std::string& entry,
                const std::string& why) {
  return Error(code, fmt::format("{}: entry \"{}\": {}", package, entry, why));
}

// What the archive header says of `entry`, against the manifest: returns its manifest state,
// marked seen.
Result<Expected*> match_entry(const Entry& entry, const std::string& name,
                              ExpectedFiles& expected) {
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
  if (file.is_symlink() && entry.link != file.symlink)
    return bad_entry(
        Errc::verify, name, entry.path,
        fmt::format("it points to \"{}\", the manifest says \"{}\"", entry.link, file.symlink));
  if (!file.is_symlink() && entry.size_known && entry.size > file.size)
    return bad_entry(
        Errc::verify, name, entry.path,
        fmt::format("it is {} bytes, larger than the manifest's {}", entry.size, file.size));
  return &want;
}

// Reads the bytes of a regular entry, held to its manifest size and to the limit on the total
// (`total`, the bytes of the entries so far); hashes them and writes them to `out` if any.
// Returns the entry's size.
Result<std::uint64_t> copy_entry(ArchiveReader& reader, const Entry& entry, const FileEntry& file,
                                 const std::string& name, const VerifyOptions& options,
                                 std::uint64_t& total, std::optional<OutputFile>& out,
                                 std::optional<std::string>& keep) {
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
    if (keep)
      keep->append(block->data(), block->size());
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
  return size;
}

} // namespace

// Every file of the manifest, marked wanted when `extract` selects it.
ExpectedFiles expected_files(const Manifest& m, const Extraction* extract) {
  ExpectedFiles expected;
  for (const auto& c : m.components) {
    const bool wanted =
        extract != nullptr && (!extract->components || extract->components->contains(c.name));
    for (const auto& f : c.files)
      expected[f.path] = Expected{&f, wanted, false};
  }
  for (const auto& f : m.image_files)
    expected[f.path] =
        Expected{&f, extract != nullptr && (!extract->components || extract->images), false};
  return expected;
}

// Every entry after package.yaml, checked against the manifest (and the wanted ones written);
// collects the wanted symlinks into `links` for the end.
Status check_entries(ArchiveReader& reader, const std::string& name, const VerifyOptions& options,
                     const Extraction* extract, ExpectedFiles& expected,
                     std::vector<const FileEntry*>& links, VerifyReport& report) {
  std::uint64_t total = 0;
  while (true) {
    auto next = reader.next();
    if (!next)
      return std::move(next).error();
    if (!next->has_value())
      break;
    const auto& entry = **next;
    auto matched = match_entry(entry, name, expected);
    if (!matched)
      return std::move(matched).error();
    auto& want = **matched;
    const auto& file = *want.file;
    if (file.is_symlink()) {
      if (want.wanted)
        links.push_back(&file);
      ++report.entries;
      continue;
    }
    std::optional<OutputFile> out;
    if (want.wanted) {
      auto created = OutputFile::create(extract->dir, entry.path);
      if (!created)
        return std::move(created).error();
      out.emplace(std::move(*created));
    }
    // Small JSON of the image layout is kept for the walk over the images after the pass.
    if (file.path.starts_with("images/") && file.size <= k_max_image_json)
      want.json.emplace();
    auto size = copy_entry(reader, entry, file, name, options, total, out, want.json);
    if (!size)
      return std::move(size).error();
    if (out) {
      if (auto s = out->close(file.mode); !s)
        return std::move(s).error();
      ++report.written;
    }
    ++report.entries;
    report.bytes += *size;
  }
  for (const auto& [path, want] : expected)
    if (!want.seen)
      return bad_entry(Errc::verify, name, path,
                       "it is in the manifest but not in the archive (truncated package?)");
  return {};
}

} // namespace acp::package::detail
