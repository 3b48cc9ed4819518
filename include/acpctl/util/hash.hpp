#pragma once
// SHA-256, streaming. OpenSSL stays out of this header.

#include "acpctl/util/error.hpp"

#include <array>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace acp::util {

/// Incremental SHA-256. Feed bytes with update(), then call hex_digest() once.
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const unsigned char> bytes);
  void update(std::string_view bytes);
  /// The digest as raw bytes; the object cannot be updated afterwards.
  std::array<unsigned char, 32> digest();
  /// The digest as 64 lower-case hex characters.
  std::string hex_digest();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// sha256 of a string, as hex.
std::string sha256_hex(std::string_view bytes);
/// sha256 of a file, as hex; fails with Errc::io naming the file.
Result<std::string> sha256_file(const std::filesystem::path& path);

} // namespace acp::util
