// The CA: kept, created when there is none, or taken from the user.

#include "ca.hpp"

#include "acpctl/util/fs.hpp"
#include "acpctl/util/log.hpp"
#include "store.hpp"

#include <fmt/format.h>

namespace acp::pki::detail {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_new_ca_hint =
    "restore it from a backup; or delete {} and {} to have a new CA made (every certificate is "
    "then re-issued, and acpctl apply pushes them to the nodes)";

Result<std::string> read_user_file(const fs::path& path, const char* field) {
  auto text = util::read_file(path, util::k_max_secret_bytes);
  if (!text)
    return Error(Errc::invalid_input, text.error().message())
        .with_hint(fmt::format("check spec.pki.{} in the cluster config", field));
  return text;
}

Status check_usable(const CertFacts& facts, const fs::path& cert, Clock::time_point now) {
  if (!facts.is_ca)
    return Error(Errc::invalid_input, fmt::format("{} is not a CA certificate", cert.string()))
        .with_hint("give the certificate of a CA (basicConstraints CA:TRUE)");
  if (facts.not_after <= now)
    return Error(Errc::invalid_input, fmt::format("the CA certificate {} expired on {}",
                                                  cert.string(), date_of(facts.not_after)))
        .with_hint("acpctl does not rotate a CA yet: give a new CA in spec.pki, or move the "
                   "cluster directory's pki/ca.* away to have a new one made");
  if (facts.not_after - now < std::chrono::days(k_renew_days))
    log::warn(fmt::format("pki: the CA certificate {} expires on {}; certificates it signs end "
                          "then too, and acpctl does not rotate a CA yet",
                          cert.string(), date_of(facts.not_after)));
  return {};
}

Result<std::optional<Ca>> user_ca(const config::PkiSettings& settings, const fs::path& dir,
                                  Clock::time_point now, bool write) {
  const fs::path cert_file = settings.ca_cert_file;
  const fs::path key_file = settings.ca_key_file;
  auto cert = read_user_file(cert_file, "caCertFile");
  if (!cert)
    return std::move(cert).error();
  auto facts = inspect(*cert);
  if (!facts)
    return unreadable(cert_file, "PEM certificate", "check spec.pki.caCertFile");
  if (auto s = check_usable(*facts, cert_file, now); !s)
    return std::move(s).error();
  auto key = read_user_file(key_file, "caKeyFile");
  if (!key)
    return std::move(key).error();
  if (!is_key(*key))
    return unreadable(key_file, "PEM private key",
                      "check spec.pki.caKeyFile; acpctl reads unencrypted PEM keys only");
  if (!key_matches(*cert, *key))
    return Error(Errc::invalid_input, fmt::format("{} is not the private key of {}",
                                                  key_file.string(), cert_file.string()))
        .with_hint("spec.pki.caKeyFile must be the key of spec.pki.caCertFile");

  const auto local = cert_path(dir, k_ca_name);
  auto copy = read_optional(local);
  if (!copy)
    return std::move(copy).error();
  if (*copy != *cert) {
    const auto local_key = key_path(dir, k_ca_name);
    if (fs::exists(local_key))
      return Error(Errc::invalid_input,
                   fmt::format("{} belongs to another CA than spec.pki.caCertFile {}",
                               local_key.string(), cert_file.string()))
          .with_hint(fmt::format("switching CAs re-issues every certificate: move {} and {} "
                                 "away, then run acpctl apply",
                                 local_key.string(), local.string()));
    if (write) {
      if (auto s = write_cert(local, *cert); !s)
        return std::move(s).error();
    } else if (copy->has_value()) {
      return Error(Errc::invalid_input, fmt::format("{} is not a copy of spec.pki.caCertFile {}",
                                                    local.string(), cert_file.string()))
          .with_hint("run acpctl apply to copy it");
    }
  }
  return std::optional<Ca>(Ca{{*cert, *key}, std::move(*facts), false});
}

// A CA acpctl makes itself: `name` is its file base in <dir>/pki, `what` names it in logs.
struct Generated {
  const char* name{};
  Subject subject{};
  const char* what{};
};

Result<Ca> create_ca(const Generated& g, const fs::path& dir, Clock::time_point now) {
  auto key = generate_key();
  if (!key)
    return std::move(key).error();
  const Validity validity{now - k_backdate, now + std::chrono::days(k_ca_days)};
  auto cert = issue_ca(g.subject, *key, validity);
  if (!cert)
    return std::move(cert).error();
  // Key first: a crash between the two writes leaves a key without a certificate, which the
  // next run reports instead of silently making a second CA.
  if (auto s = write_key(key_path(dir, g.name), *key); !s)
    return std::move(s).error();
  if (auto s = write_cert(cert_path(dir, g.name), *cert); !s)
    return std::move(s).error();
  log::info(fmt::format("pki: created the {} {} (valid until {})", g.what,
                        cert_path(dir, g.name).string(), date_of(validity.not_after)));
  auto facts = inspect(*cert);
  if (!facts)
    return std::move(facts).error();
  return Ca{{std::move(*cert), std::move(*key)}, std::move(*facts), true};
}

Result<std::optional<Ca>> obtain_generated(const Generated& g, const fs::path& dir,
                                           Clock::time_point now, bool write) {
  const auto cert_file = cert_path(dir, g.name);
  const auto key_file = key_path(dir, g.name);
  auto cert = read_optional(cert_file);
  if (!cert)
    return std::move(cert).error();
  auto key = read_optional(key_file);
  if (!key)
    return std::move(key).error();
  const auto hint = fmt::format(k_new_ca_hint, cert_file.string(), key_file.string());
  if (!*cert && !*key) {
    if (!write)
      return std::optional<Ca>{};
    auto made = create_ca(g, dir, now);
    if (!made)
      return std::move(made).error();
    return std::optional<Ca>(std::move(*made));
  }
  if (!*cert)
    return Error(Errc::invalid_input, fmt::format("{} is missing but its key {} is there",
                                                  cert_file.string(), key_file.string()))
        .with_hint(hint);
  if (!*key)
    return Error(Errc::invalid_input,
                 fmt::format("{} is missing but the CA certificate {} is there", key_file.string(),
                             cert_file.string()))
        .with_hint(hint);
  auto facts = inspect(**cert);
  if (!facts)
    return unreadable(cert_file, "PEM certificate", hint);
  if (!is_key(**key))
    return unreadable(key_file, "PEM private key", hint);
  if (!key_matches(**cert, **key))
    return Error(Errc::invalid_input, fmt::format("{} is not the private key of {}",
                                                  key_file.string(), cert_file.string()))
        .with_hint(hint);
  if (auto s = check_usable(*facts, cert_file, now); !s)
    return std::move(s).error();
  if (write)
    if (auto s = tighten_key(key_file); !s)
      return std::move(s).error();
  return std::optional<Ca>(Ca{{std::move(**cert), std::move(**key)}, std::move(*facts), false});
}

} // namespace

Result<std::optional<Ca>> obtain_ca(const config::Cluster& cluster, const fs::path& dir,
                                    Clock::time_point now, bool write) {
  if (cluster.pki)
    return user_ca(*cluster.pki, dir, now, write);
  return obtain_generated({k_ca_name, ca_subject(cluster), "cluster CA"}, dir, now, write);
}

Result<std::optional<Ca>> obtain_front_proxy_ca(const config::Cluster& cluster, const fs::path& dir,
                                                Clock::time_point now, bool write) {
  return obtain_generated(
      {k_front_proxy_ca_name, front_proxy_ca_subject(cluster), "front-proxy CA"}, dir, now, write);
}

} // namespace acp::pki::detail
