#pragma once
// Test helpers: package definitions and hand-crafted (possibly hostile) archives, written at
// run time with libarchive so each refusal test controls every header field.

#include "acpctl/package/manifest.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace acp::test {

struct CraftEntry {
  CraftEntry(std::string p, std::string d = {}, unsigned t = 0100000, unsigned m = 0644,
             std::string l = {}, bool hard = false)
      : path(std::move(p)), data(std::move(d)), type(t), mode(m), link(std::move(l)),
        hardlink(hard) {}
  std::string path;
  std::string data;
  unsigned type = 0100000; ///< AE_IFREG
  unsigned mode = 0644;
  std::string link; ///< symlink target, or hard link target when `hardlink`
  bool hardlink = false;
};

/// Writes a gzip'd pax tar holding `entries` in order.
void write_archive(const std::filesystem::path& file, const std::vector<CraftEntry>& entries);

/// A manifest with one component "app" holding `files` (path → content), mode 0644.
package::Manifest manifest_for(const std::vector<std::pair<std::string, std::string>>& files);

/// The manifest entry followed by one regular entry per file.
std::vector<CraftEntry> entries_for(const package::Manifest& manifest,
                                    const std::vector<std::pair<std::string, std::string>>& files);

/// A small definition directory: package.yaml plus bin/tool, etc/tool.conf and a symlink.
void write_definition(const std::filesystem::path& dir, const std::string& version = "1.2.3");

/// Names in `dir` (not recursive), for "nothing was left behind" checks.
std::vector<std::string> names_in(const std::filesystem::path& dir);

} // namespace acp::test
