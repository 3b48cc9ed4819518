// The walk: the CA first, then every leaf the config wants; keep what is right, re-issue what
// is not, stop at what cannot be read.

#include "reconcile.hpp"

#include "acpctl/util/log.hpp"
#include "assess.hpp"
#include "sa_key.hpp"
#include "store.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::pki {

// Fills ClusterPki's members (a friend), so the public class stays read-only.
struct Builder {
  static void ca(ClusterPki& pki, std::string cert) { pki.m_ca_cert = std::move(cert); }
  static void front_proxy_ca(ClusterPki& pki, std::string cert) {
    pki.m_front_proxy_ca = std::move(cert);
  }
  static void sa(ClusterPki& pki, ServiceAccountKey key) { pki.m_sa = std::move(key); }
  static void leaf(ClusterPki& pki, const detail::Leaf& leaf, KeyPair pair) {
    if (leaf.name.starts_with(detail::k_kubernetes_prefix))
      pki.m_kubernetes[leaf.name] = std::move(pair);
    else if (leaf.name == detail::k_healthcheck_name)
      pki.m_healthcheck = std::move(pair);
    else if (leaf.name == detail::k_admin_name)
      pki.m_admin = std::move(pair);
    else if (leaf.name.starts_with(detail::k_registry_prefix))
      (leaf.spec.usage == detail::Usage::client ? pki.m_registry_client
                                                : pki.m_registry)[leaf.node] = std::move(pair);
    else if (leaf.spec.usage == detail::Usage::server)
      pki.m_server[leaf.node] = std::move(pair);
    else
      pki.m_peer[leaf.node] = std::move(pair);
  }
};

} // namespace acp::pki

namespace acp::pki::detail {

namespace fs = std::filesystem;

namespace {

struct OnDisk {
  std::optional<std::string> cert;
  std::optional<std::string> key;
  std::optional<CertFacts> facts;
};

Result<OnDisk> read_leaf(const fs::path& dir, const Leaf& leaf) {
  OnDisk d;
  const auto cert_file = cert_path(dir, leaf.name);
  const auto key_file = key_path(dir, leaf.name);
  auto cert = read_optional(cert_file);
  if (!cert)
    return std::move(cert).error();
  auto key = read_optional(key_file);
  if (!key)
    return std::move(key).error();
  d.cert = std::move(*cert);
  d.key = std::move(*key);
  if (d.cert) {
    auto facts = inspect(*d.cert);
    if (!facts)
      return unreadable(cert_file, "PEM certificate", reissue_hint(cert_file));
    d.facts = std::move(*facts);
  }
  if (d.key && !is_key(*d.key))
    return unreadable(key_file, "PEM private key", reissue_hint(key_file));
  return d;
}

Assessment judge(const Leaf& leaf, const OnDisk& d, const std::optional<Ca>& ca,
                 const Policy& policy) {
  if (!ca)
    return {Verdict::missing, leaf.signer == Signer::front_proxy ? "the front-proxy CA is new"
                                                                 : "the cluster CA is new"};
  if (!d.cert && !d.key)
    return {Verdict::missing, "missing"};
  if (!d.cert)
    return {Verdict::missing, "the certificate is missing"};
  if (!d.key)
    return {Verdict::missing, "the key is missing"};
  auto a = assess(leaf, *d.facts, *d.cert, *d.key, *ca, policy.now, policy.within_days);
  if (a.verdict == Verdict::keep && policy.renew_all)
    return {Verdict::expiring, "renewal of every certificate"};
  return a;
}

Result<KeyPair> issue_leaf(const fs::path& dir, const Leaf& leaf, const Ca& ca,
                           Clock::time_point now) {
  auto key = generate_key();
  if (!key)
    return std::move(key).error();
  const Validity validity{now - k_backdate,
                          std::min(now + std::chrono::days(k_leaf_days), ca.facts.not_after)};
  auto cert = issue(leaf.spec, *key, ca.pair, validity);
  if (!cert)
    return std::move(cert).error().context(fmt::format("issuing {}", leaf.name));
  if (auto s = write_key(key_path(dir, leaf.name), *key); !s)
    return std::move(s).error();
  if (auto s = write_cert(cert_path(dir, leaf.name), *cert); !s)
    return std::move(s).error();
  return KeyPair{std::move(*cert), std::move(*key)};
}

// The CAs of one walk: the cluster CA and, with Kubernetes, the front-proxy CA. A CA that is
// missing in a dry run is absent: every leaf it would sign is then "missing".
struct Cas {
  std::optional<Ca> cluster;
  std::optional<Ca> front_proxy;

  const std::optional<Ca>& of(const Leaf& leaf) const {
    return leaf.signer == Signer::front_proxy ? front_proxy : cluster;
  }
};

// One CA into the outcome: an error in load mode when missing, an entry in `issued` when made
// (or to be made).
Status take_ca(const char* name, const std::optional<Ca>& ca, const fs::path& dir,
               const Policy& policy, Outcome& out) {
  if (!ca) {
    if (policy.mode == Mode::load)
      return Error(Errc::invalid_input, fmt::format("{} is missing", cert_path(dir, name).string()))
          .with_hint("acpctl apply creates the cluster's certificates");
    out.issued.push_back({name, "missing", std::nullopt, std::nullopt});
  } else if (ca->created) {
    out.issued.push_back({name, "missing", std::nullopt, ca->facts.not_after});
  }
  return {};
}

Result<Cas> obtain_cas(const config::Cluster& cluster, const fs::path& dir, const Policy& policy,
                       Outcome& out) {
  const bool write = policy.mode == Mode::write;
  Cas cas;
  auto ca = obtain_ca(cluster, dir, policy.now, write);
  if (!ca)
    return std::move(ca).error();
  cas.cluster = std::move(*ca);
  if (auto s = take_ca(k_ca_name, cas.cluster, dir, policy, out); !s)
    return std::move(s).error();
  if (cas.cluster)
    Builder::ca(out.pki, cas.cluster->pair.cert);
  if (!has_kubernetes(cluster))
    return cas;
  auto fp = obtain_front_proxy_ca(cluster, dir, policy.now, write);
  if (!fp)
    return std::move(fp).error();
  cas.front_proxy = std::move(*fp);
  if (auto s = take_ca(k_front_proxy_ca_name, cas.front_proxy, dir, policy, out); !s)
    return std::move(s).error();
  if (cas.front_proxy)
    Builder::front_proxy_ca(out.pki, cas.front_proxy->pair.cert);
  auto sa = obtain_sa_key(dir, policy.mode);
  if (!sa)
    return std::move(sa).error();
  if (*sa)
    Builder::sa(out.pki, std::move(**sa));
  return cas;
}

// One leaf: kept, re-issued (with its reason in `out.issued`), or an error in load mode.
Status walk_leaf(const Leaf& leaf, const fs::path& dir, const Cas& cas, const Policy& policy,
                 Outcome& out) {
  const bool write = policy.mode == Mode::write;
  auto disk = read_leaf(dir, leaf);
  if (!disk)
    return std::move(disk).error();
  const auto& ca = cas.of(leaf);
  const auto a = judge(leaf, *disk, ca, policy);
  const auto file = cert_path(dir, leaf.name);
  if (a.verdict == Verdict::keep || (policy.mode == Mode::load && a.verdict == Verdict::expiring)) {
    if (write)
      if (auto s = tighten_key(key_path(dir, leaf.name)); !s)
        return s;
    Builder::leaf(out.pki, leaf, {std::move(*disk->cert), std::move(*disk->key)});
    return {};
  }
  if (policy.mode == Mode::load)
    return Error(Errc::invalid_input, fmt::format("{}: {}", file.string(), a.reason))
        .with_hint("acpctl apply (or acpctl certs renew) issues it again");
  Renewed r{leaf.name, a.reason, std::nullopt, std::nullopt};
  if (disk->facts)
    r.old_not_after = disk->facts->not_after;
  if (write) {
    auto pair = issue_leaf(dir, leaf, *ca, policy.now);
    if (!pair)
      return std::move(pair).error();
    if (auto facts = inspect(pair->cert))
      r.new_not_after = facts->not_after;
    // A first apply issues everything: one summary line then, a line per certificate later.
    log::write(a.verdict == Verdict::missing ? log::Level::debug : log::Level::info, {},
               fmt::format("pki: issued {} ({})", file.string(), a.reason));
    Builder::leaf(out.pki, leaf, std::move(*pair));
  }
  out.issued.push_back(std::move(r));
  return {};
}

} // namespace

Result<Outcome> reconcile(const config::Cluster& cluster, const fs::path& dir,
                          const Policy& policy) {
  const bool write = policy.mode == Mode::write;
  if (write)
    if (auto s = prepare_dirs(dir); !s)
      return std::move(s).error();
  Outcome out;
  auto cas = obtain_cas(cluster, dir, policy, out);
  if (!cas)
    return std::move(cas).error();
  for (const auto& leaf : wanted_leaves(cluster))
    if (auto s = walk_leaf(leaf, dir, *cas, policy, out); !s)
      return std::move(s).error();
  const auto fresh = std::count_if(out.issued.begin(), out.issued.end(),
                                   [](const Renewed& r) { return r.reason == "missing"; });
  if (write && fresh > 1)
    log::info(fmt::format("pki: issued {} new certificates in {}", fresh, pki_dir(dir).string()));
  return out;
}

} // namespace acp::pki::detail

namespace acp::pki {

Result<ClusterPki> ensure(const config::Cluster& cluster, const std::filesystem::path& dir) {
  auto out = detail::reconcile(cluster, dir, {});
  if (!out)
    return std::move(out).error();
  return std::move(out->pki);
}

Result<ClusterPki> load(const config::Cluster& cluster, const std::filesystem::path& dir) {
  detail::Policy policy;
  policy.mode = detail::Mode::load;
  auto out = detail::reconcile(cluster, dir, policy);
  if (!out)
    return std::move(out).error();
  return std::move(out->pki);
}

Result<std::vector<Renewed>> renew(const config::Cluster& cluster, const std::filesystem::path& dir,
                                   const RenewOptions& options) {
  detail::Policy policy;
  policy.within_days = options.within_days;
  policy.renew_all = options.all;
  policy.mode = options.dry_run ? detail::Mode::dry_run : detail::Mode::write;
  auto out = detail::reconcile(cluster, dir, policy);
  if (!out)
    return std::move(out).error();
  return std::move(out->issued);
}

} // namespace acp::pki
