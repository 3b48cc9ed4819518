// `package build`: definition → manifest with every checksum → archive with package.yaml first.

#include "acpctl/package/build.hpp"

#include "acpctl/package/sign.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "archive_writer.hpp"
#include "image_layout.hpp"

#include <algorithm>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace acp::package {

namespace fs = std::filesystem;

namespace {

Error definition_error(const fs::path& dir, const std::string& message) {
  return Error(Errc::invalid_input, message)
      .at(Location{(dir / k_manifest_name).string(), 0, 0})
      .with_hint("see docs/package-format.md");
}

// Fills in size, mode and sha256 of one file, or makes it a symlink entry.
Status describe(const fs::path& dir, FileEntry& f) {
  const auto path = dir / f.path;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    return definition_error(
        dir, util::with_errno(fmt::format("file \"{}\" is listed but {}", f.path, path.string())));
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    f.symlink = fs::read_symlink(path, ec).string();
    f.size = 0;
    f.sha256.clear();
    return {};
  }
  if (!S_ISREG(st.st_mode))
    return definition_error(dir, fmt::format("\"{}\" is not a regular file or symlink", f.path));
  if (f.mode == 0)
    f.mode = static_cast<std::uint32_t>(st.st_mode) & 0777;
  if ((st.st_mode & 06000) != 0)
    return definition_error(dir, fmt::format("\"{}\" has the setuid or setgid bit; packages may "
                                             "not carry such files",
                                             f.path));
  f.size = static_cast<std::uint64_t>(st.st_size);
  auto digest = util::sha256_file(path);
  if (!digest)
    return std::move(digest).error();
  f.sha256 = *digest;
  return {};
}

// A `directory:` entry becomes one entry per file below it, in a stable order.
Result<std::vector<FileEntry>> expand(const fs::path& dir, const std::vector<FileEntry>& files) {
  std::vector<FileEntry> out;
  for (const auto& f : files) {
    if (!f.path.ends_with('/')) {
      out.push_back(f);
      continue;
    }
    const auto root = dir / f.path;
    std::error_code ec;
    std::vector<FileEntry> found;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
         it.increment(ec))
      if (!it->is_directory(ec) || it->is_symlink(ec))
        found.push_back(FileEntry{fs::relative(it->path(), dir).generic_string(), 0, 0, {}, {}});
    if (ec)
      return definition_error(
          dir, fmt::format("cannot list directory \"{}\": {}", f.path, ec.message()));
    std::sort(found.begin(), found.end(),
              [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
    out.insert(out.end(), found.begin(), found.end());
  }
  for (auto& f : out)
    if (auto s = describe(dir, f); !s)
      return std::move(s).error();
  return out;
}

// The image layout is whole: blobs named by their sha256, every image's blobs present.
Status check_layout(const fs::path& dir, const Manifest& def) {
  if (auto problem = detail::layout_problem(def); !problem.empty())
    return definition_error(dir, problem);
  return detail::check_image_refs(
      def,
      [&](const std::string& path) -> std::optional<std::string> {
        std::error_code ec;
        if (fs::file_size(dir / path, ec) > detail::k_max_image_json || ec)
          return std::nullopt;
        auto text = util::read_file(dir / path);
        return text ? std::optional<std::string>(std::move(*text)) : std::nullopt;
      },
      (dir / k_manifest_name).string());
}

Result<Manifest> complete(const fs::path& dir) {
  auto text = util::read_file(dir / k_manifest_name);
  if (!text)
    return std::move(text).error().context("reading the package definition");
  auto def = parse_manifest(*text, (dir / k_manifest_name).string(), true);
  if (!def)
    return def;
  for (auto& c : def->components) {
    auto files = expand(dir, c.files);
    if (!files)
      return std::move(files).error();
    c.files = std::move(*files);
  }
  if (def->image_files.empty() && fs::exists(dir / "images" / "oci-layout"))
    def->image_files.push_back(FileEntry{"images/", 0, 0, {}, {}});
  auto images = expand(dir, def->image_files);
  if (!images)
    return std::move(images).error();
  def->image_files = std::move(*images);
  if (auto s = check_layout(dir, *def); !s)
    return std::move(s).error();
  // Round trip: the completed manifest must pass the same checks a reader applies.
  auto checked = parse_manifest(emit_manifest(*def), (dir / k_manifest_name).string());
  if (!checked)
    return std::move(checked).error();
  return def;
}

// package.yaml first, then every file of the manifest (each checked against its sha256 as it
// is read); returns the archive's sha256.
Result<std::string> write_entries(detail::ArchiveWriter& writer, const Manifest& manifest,
                                  const std::string& manifest_bytes, const fs::path& dir) {
  if (auto s = writer.add_bytes(std::string(k_manifest_name), manifest_bytes, 0644); !s)
    return std::move(s).error();
  for (const auto* f : manifest.all_files()) {
    if (f->is_symlink()) {
      if (auto s = writer.add_symlink(f->path, f->symlink); !s)
        return std::move(s).error();
      continue;
    }
    auto digest = writer.add_file(f->path, dir / f->path, f->size, f->mode);
    if (!digest)
      return std::move(digest).error();
    if (*digest != f->sha256)
      return Error(Errc::io,
                   fmt::format("{} changed while the package was built", (dir / f->path).string()));
  }
  return writer.close();
}

// PACKAGE.sha256 and, when signed, PACKAGE.sig next to result.package.
Status write_sidecars(BuildResult& result, const std::optional<std::string>& signature) {
  const auto& out = result.package;
  result.checksum = out.string() + ".sha256";
  if (auto s = util::write_file_atomic(
          result.checksum, fmt::format("{}  {}\n", result.package_sha256, out.filename().string()));
      !s)
    return std::move(s).error();
  if (signature) {
    result.signature = out.string() + ".sig";
    if (auto s = util::write_file_atomic(result.signature, *signature); !s)
      return std::move(s).error();
  }
  return {};
}

} // namespace

Result<BuildResult> build(const BuildOptions& options) {
  const auto& dir = options.definition_dir;
  auto manifest = complete(dir);
  if (!manifest)
    return std::move(manifest).error();
  const auto manifest_bytes = emit_manifest(*manifest);
  // Signed before anything is written, so a wrong key leaves no half-made package behind.
  std::optional<std::string> signature;
  if (options.sign_key) {
    auto signed_bytes = sign(manifest_bytes, *options.sign_key);
    if (!signed_bytes)
      return std::move(signed_bytes).error();
    signature = std::move(*signed_bytes);
  }
  BuildResult result;
  std::error_code ec;
  fs::path out = options.output;
  const auto out_name = out.filename().string();
  const bool zstd = options.compression ? *options.compression == Compression::zstd
                                        : out_name.ends_with(".tzst") || out_name.ends_with(".zst");
  if (fs::is_directory(out, ec))
    out /= manifest->file_name(zstd);
  const auto parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::string pattern = (parent / fmt::format(".{}.tmp-XXXXXX", out.filename().string())).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0)
    return Error(Errc::io,
                 util::with_errno("cannot create a temporary file in " + parent.string()));
  const std::string tmp(name.data());
  auto fail = [&](Error e) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  auto writer = detail::ArchiveWriter::create(fd, out.string(), zstd, options.level);
  if (!writer)
    return fail(std::move(writer).error());
  auto digest = write_entries(*writer, *manifest, manifest_bytes, dir);
  if (!digest)
    return fail(std::move(digest).error());
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0)
    return fail(Error(Errc::io, util::with_errno("cannot sync " + tmp)));
  ::close(fd);
  if (::rename(tmp.c_str(), out.c_str()) != 0) {
    Error e(Errc::io, util::with_errno("cannot rename " + tmp + " to " + out.string()));
    ::unlink(tmp.c_str());
    return e;
  }
  result.package = out;
  result.package_sha256 = *digest;
  if (auto s = write_sidecars(result, signature); !s)
    return std::move(s).error();
  result.manifest = std::move(*manifest);
  return result;
}

} // namespace acp::package
