#pragma once
// Private to pki: the cluster directory's files. Reads tell "missing" from "unreadable";
// writes are atomic with the right modes; a file acpctl cannot read is reported, never
// overwritten.

#include "acpctl/util/error.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace acp::pki::detail {

/// The file's content, nullopt if it does not exist; Errc::io if it cannot be read.
Result<std::optional<std::string>> read_optional(const std::filesystem::path& path);
/// Creates <dir>/pki and its etcd, registry and kubernetes folders, mode 0700.
Status prepare_dirs(const std::filesystem::path& dir);
/// Writes a certificate (0644) or a private key (0600) atomically.
Status write_cert(const std::filesystem::path& path, const std::string& pem);
Status write_key(const std::filesystem::path& path, const std::string& pem);
/// Sets an existing key file's mode back to 0600 if it drifted.
Status tighten_key(const std::filesystem::path& path);

/// Errc::invalid_input: "<path> is not a <what>", hinting how to get a good one back.
Error unreadable(const std::filesystem::path& path, const std::string& what, std::string hint);
/// The usual hint for a leaf file: delete it (and its pair) to have it re-issued.
std::string reissue_hint(const std::filesystem::path& path);

/// "2026-11-27" for a time point (UTC).
std::string date_of(std::chrono::system_clock::time_point when);

} // namespace acp::pki::detail
