#pragma once
// What `acpctl version` reports: our version, the commit it was built from, and the versions
// of the libraries linked in (read from the libraries at run time where they can tell).

#include <string>
#include <vector>

namespace acp::version {

struct Component {
  std::string name;
  std::string version;
};

std::string acpctl_version();
std::string git_commit();
/// libcurl, libarchive, libssh2, OpenSSL (run time); yaml-cpp, fmt, nlohmann-json (build time).
std::vector<Component> libraries();

} // namespace acp::version
