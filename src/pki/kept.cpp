// Random values kept in the cluster directory, so every apply of the cluster uses the same.

#include "acpctl/pki/pki.hpp"
#include "acpctl/util/fs.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <system_error>

namespace acp::pki {

namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

Result<std::string> random_text(std::size_t length) {
  std::string out;
  while (out.size() < length) {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
      return Error(Errc::failed, "the system's random number generator failed");
    // Rejection sampling keeps every character equally likely.
    for (const unsigned char b : bytes)
      if (b < 248 && out.size() < length)
        out += k_alphabet[b % k_alphabet.size()];
  }
  return out;
}

} // namespace

Result<std::string> kept_random(const std::filesystem::path& cluster_dir, const char* name,
                                std::size_t length, const char* what) {
  const auto path = cluster_dir / name;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    auto fresh = random_text(length);
    if (!fresh)
      return fresh;
    std::filesystem::create_directories(cluster_dir, ec);
    if (auto ok = util::write_file_atomic(path, *fresh + "\n", std::filesystem::perms(0600)); !ok)
      return std::move(ok).error().context(fmt::format("keeping the cluster's {}", what));
  }
  config::SecretRef ref;
  ref.from_file = path.string();
  auto value = ref.resolve();
  if (!value)
    return std::move(value).error().context(fmt::format("reading the cluster's {}", what));
  return value;
}

} // namespace acp::pki
