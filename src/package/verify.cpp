// verify() and unpack(): the single pass, without and with a place to write.

#include "acpctl/package/verify.hpp"

#include "acpctl/package/open.hpp"
#include "acpctl/util/fs.hpp"
#include "stream.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace acp::package {

namespace fs = std::filesystem;

Result<VerifyReport> verify(const fs::path& package, const VerifyOptions& options) {
  return detail::single_pass(package, options, nullptr);
}

namespace {

// Removes the temporary directory unless the unpack succeeded and renamed it away.
struct TempTree {
  fs::path path;
  ~TempTree() {
    if (!path.empty()) {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  }
};

} // namespace

Result<VerifyReport> unpack(const fs::path& package, const fs::path& dir,
                            const UnpackOptions& options) {
  std::error_code ec;
  if (fs::exists(dir, ec) && (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)))
    return Error(Errc::conflict,
                 fmt::format("{} exists and is not an empty directory", dir.string()))
        .with_hint("unpack into a new directory, or remove this one first");
  detail::Extraction extraction;
  extraction.images = options.images;
  if (!options.components.empty()) {
    auto opened = open_package(package);
    if (!opened)
      return std::move(opened).error();
    for (const auto& name : options.components)
      if (opened->manifest.find_component(name) == nullptr)
        return Error(Errc::usage, fmt::format("{} has no component \"{}\"", package.string(), name))
            .with_hint("`acpctl package show` lists the components");
    extraction.components.emplace(options.components.begin(), options.components.end());
  } else if (options.images) {
    extraction.components.emplace(); // the image layout only
  }
  const auto parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  std::string pattern =
      (parent / fmt::format(".{}.unpack-XXXXXX", dir.filename().string())).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr)
    return Error(Errc::io,
                 util::with_errno("cannot create a temporary directory in " + parent.string()));
  TempTree temp{name.data()};
  ::chmod(temp.path.c_str(), 0755);
  extraction.dir = temp.path;
  auto report = detail::single_pass(package, options, &extraction);
  if (!report)
    return report;
  if (::rename(temp.path.c_str(), dir.c_str()) != 0)
    return Error(Errc::io, util::with_errno(fmt::format("cannot rename {} to {}",
                                                        temp.path.string(), dir.string())));
  temp.path.clear();
  return report;
}

} // namespace acp::package
