// The service-account signing key (sa.key, sa.pub): a key pair, not a certificate. Made once,
// kept like the CA keys; every control-plane node gets the same pair, so tokens one API server
// signs verify on the others. sa.pub is derived from sa.key and rewritten when it differs.

#include "sa_key.hpp"

#include "acpctl/util/log.hpp"
#include "store.hpp"

#include <fmt/format.h>

namespace acp::pki::detail {

namespace fs = std::filesystem;

Result<std::optional<ServiceAccountKey>> obtain_sa_key(const fs::path& dir, Mode mode) {
  const auto key_file = pki_dir(dir) / (std::string(k_sa_name) + ".key");
  const auto pub_file = pki_dir(dir) / (std::string(k_sa_name) + ".pub");
  auto key = read_optional(key_file);
  if (!key)
    return std::move(key).error();
  if (!*key) {
    if (mode == Mode::load)
      return Error(Errc::invalid_input, fmt::format("{} is missing", key_file.string()))
          .with_hint("acpctl apply creates the cluster's certificates and keys");
    if (mode == Mode::dry_run)
      return std::optional<ServiceAccountKey>{};
    auto made = generate_key();
    if (!made)
      return std::move(made).error();
    if (auto s = write_key(key_file, *made); !s)
      return std::move(s).error();
    log::debug(fmt::format("pki: created the service-account key {}", key_file.string()));
    *key = std::move(*made);
  }
  auto pub = public_key_pem(**key);
  if (!pub)
    return unreadable(key_file, "PEM private key",
                      fmt::format("acpctl never overwrites a file it cannot read: delete {} to "
                                  "have a new key made (every service-account token then needs "
                                  "re-issuing)",
                                  key_file.string()));
  if (mode == Mode::write) {
    if (auto s = tighten_key(key_file); !s)
      return std::move(s).error();
    auto have = read_optional(pub_file);
    if (!have)
      return std::move(have).error();
    if (*have != *pub)
      if (auto s = write_cert(pub_file, *pub); !s)
        return std::move(s).error();
  }
  return std::optional<ServiceAccountKey>(ServiceAccountKey{std::move(**key), std::move(*pub)});
}

} // namespace acp::pki::detail
