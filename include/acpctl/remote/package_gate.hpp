#pragma once
// `acpctl upload` copies any file; when the file is an acpctl package, it reaches the nodes
// only through the same trust check as apply (package::check_package).

#include "acpctl/config/model.hpp"
#include "acpctl/util/error.hpp"

#include <filesystem>
#include <optional>

namespace acp::remote {

/// Ok for a file that is not a package (its first entry is not package.yaml). For a package:
/// package::check_package with `key` or the cluster's recorded keys (or `insecure`), every
/// file verified. Fails with that check's error, naming the file.
Status check_if_package(const config::Cluster& cluster, const std::filesystem::path& local,
                        const std::optional<std::filesystem::path>& key, bool insecure);

} // namespace acp::remote
