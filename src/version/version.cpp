#include "acpctl/version/version.hpp"

#include "acpctl/build_info.hpp"

#include <archive.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <libssh2.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

namespace acp::version {

std::string acpctl_version() {
  return build_info::k_version;
}
std::string git_commit() {
  return build_info::k_git_commit;
}

std::vector<Component> libraries() {
  const auto* curl = curl_version_info(CURLVERSION_NOW);
  return {
      {"libcurl", curl != nullptr ? curl->version : "unknown"},
      {"libarchive", archive_version_details()},
      {"libssh2", libssh2_version(0) != nullptr ? libssh2_version(0) : "unknown"},
      {"OpenSSL", OpenSSL_version(OPENSSL_VERSION)},
      {"yaml-cpp", YAML_CPP_VERSION_STRING},
      {"fmt",
       fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
      {"nlohmann-json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR,
                                    NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
  };
}

} // namespace acp::version
