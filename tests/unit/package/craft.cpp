#include "craft.hpp"

#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"

#include <algorithm>
#include <archive.h>
#include <archive_entry.h>
#include <stdexcept>

namespace acp::test {

namespace fs = std::filesystem;

void write_archive(const fs::path& file, const std::vector<CraftEntry>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  if (archive_write_open_filename(a, file.c_str()) != ARCHIVE_OK)
    throw std::runtime_error("cannot write " + file.string());
  for (const auto& e : entries) {
    archive_entry* h = archive_entry_new();
    archive_entry_set_pathname(h, e.path.c_str());
    if (e.hardlink) {
      archive_entry_set_hardlink(h, e.link.c_str());
      archive_entry_set_filetype(h, AE_IFREG);
    } else {
      archive_entry_set_filetype(h, e.type);
    }
    archive_entry_set_mode(h, (e.hardlink ? AE_IFREG : e.type) | e.mode);
    if (e.type == AE_IFLNK)
      archive_entry_set_symlink(h, e.link.c_str());
    archive_entry_set_size(
        h, e.type == AE_IFREG && !e.hardlink ? static_cast<la_int64_t>(e.data.size()) : 0);
    if (archive_write_header(a, h) != ARCHIVE_OK)
      throw std::runtime_error(std::string("header: ") + archive_error_string(a));
    if (!e.data.empty())
      archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(h);
  }
  archive_write_close(a);
  archive_write_free(a);
}

package::Manifest manifest_for(const std::vector<std::pair<std::string, std::string>>& files) {
  package::Manifest m;
  m.name = "crafted";
  m.version = "1.0.0";
  package::Component c;
  c.name = "app";
  c.version = "1.0.0";
  for (const auto& [path, data] : files)
    c.files.push_back(package::FileEntry{path, data.size(), 0644, util::sha256_hex(data), {}});
  m.components.push_back(c);
  return m;
}

std::vector<CraftEntry> entries_for(const package::Manifest& manifest,
                                    const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<CraftEntry> out{{"package.yaml", package::emit_manifest(manifest)}};
  for (const auto& [path, data] : files)
    out.push_back(CraftEntry{path, data});
  return out;
}

void write_definition(const fs::path& dir, const std::string& version) {
  fs::create_directories(dir / "bin");
  fs::create_directories(dir / "etc");
  (void)util::write_file_atomic(dir / "bin" / "tool", "#!/bin/sh\necho tool " + version + "\n",
                                fs::perms(0755));
  (void)util::write_file_atomic(dir / "etc" / "tool.conf", "setting = 1\n");
  fs::create_symlink("tool", dir / "bin" / "tool-alias");
  (void)util::write_file_atomic(dir / "package.yaml", R"(apiVersion: acpctl.alauda.io/v1alpha1
kind: Package
metadata:
  name: demo
spec:
  type: cluster-plugin
  version: ")" + version + R"("
  arch: amd64
  lifecycle: aligned
  platformVersions: [">=4.0"]
  components:
    - name: tool
      version: ")" + version + R"("
      roles: [control-plane]
      files:
        - path: bin/tool
        - path: bin/tool-alias
      service:
        command: [bin/tool, --serve]
        restart: on-failure
        healthCheck:
          command: [bin/tool, --health]
    - name: config
      version: "1"
      files:
        - directory: etc
)");
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace acp::test
