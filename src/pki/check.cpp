// `acpctl certs check`: every certificate the config needs, read without changing anything;
// what cannot be read or is wrong for the config is reported, not fatal.

#include "assess.hpp"
#include "store.hpp"

#include <fmt/format.h>

namespace acp::pki {

std::string_view to_string(CertStatus status) {
  switch (status) {
  case CertStatus::ok:
    return "ok";
  case CertStatus::expiring:
    return "expiring";
  case CertStatus::expired:
    return "expired";
  case CertStatus::missing:
    return "missing";
  case CertStatus::invalid:
    return "invalid";
  }
  return "?";
}

namespace {

using namespace detail;

// Reads a certificate into `e`; false if it is missing or unreadable (e says which).
bool read_into(CertEntry& e, std::optional<std::string>& pem, std::optional<CertFacts>& facts) {
  auto text = read_optional(e.file);
  if (!text) {
    e.status = CertStatus::invalid;
    e.problem = text.error().message();
    return false;
  }
  if (!*text) {
    e.status = CertStatus::missing;
    return false;
  }
  auto f = inspect(**text);
  if (!f) {
    e.status = CertStatus::invalid;
    e.problem = "not a PEM certificate";
    return false;
  }
  e.subject_cn = f->cn;
  e.sans = f->sans;
  e.not_after = f->not_after;
  pem = std::move(*text);
  facts = std::move(*f);
  return true;
}

void date_status(CertEntry& e, Clock::time_point now, int within_days) {
  e.days_left = days_until(*e.not_after, now);
  e.status = *e.not_after <= now                                   ? CertStatus::expired
             : *e.not_after - now < std::chrono::days(within_days) ? CertStatus::expiring
                                                                   : CertStatus::ok;
}

} // namespace

namespace {

// A CA's entry; `ca` is set when it could be read (leaves are then judged against it).
CertEntry ca_entry(const char* name, const std::filesystem::path& dir, Clock::time_point now,
                   int within_days, std::optional<Ca>& ca) {
  CertEntry e;
  e.name = name;
  e.file = cert_path(dir, name);
  std::optional<std::string> pem;
  std::optional<CertFacts> facts;
  if (read_into(e, pem, facts)) {
    date_status(e, now, within_days);
    if (!facts->is_ca) {
      e.status = CertStatus::invalid;
      e.problem = "not a CA certificate";
    }
    ca = Ca{{std::move(*pem), {}}, std::move(*facts), false};
  }
  return e;
}

CertEntry leaf_entry(const Leaf& leaf, const std::filesystem::path& dir, Clock::time_point now,
                     int within_days, const std::optional<Ca>& ca) {
  CertEntry e;
  e.name = leaf.name;
  e.file = cert_path(dir, leaf.name);
  e.node = leaf.node;
  std::optional<std::string> pem;
  std::optional<CertFacts> facts;
  if (!read_into(e, pem, facts))
    return e;
  date_status(e, now, within_days);
  auto key = read_optional(key_path(dir, leaf.name));
  if (!key || !*key || !is_key(**key)) {
    e.status = key && !*key ? CertStatus::missing : CertStatus::invalid;
    e.problem = fmt::format("{} is {}", key_path(dir, leaf.name).string(),
                            key && !*key ? "missing" : "not a PEM private key");
  } else if (ca) {
    const auto a = assess(leaf, *facts, *pem, **key, *ca, now, within_days);
    if (a.verdict == Verdict::stale) {
      e.status = CertStatus::invalid;
      e.problem = a.reason;
    }
  }
  return e;
}

} // namespace

std::vector<CertEntry> check(const config::Cluster& cluster, const std::filesystem::path& dir,
                             int within_days) {
  const auto now = Clock::now();
  std::vector<CertEntry> out;
  std::optional<Ca> ca;
  std::optional<Ca> front_proxy;
  out.push_back(ca_entry(k_ca_name, dir, now, within_days, ca));
  if (has_kubernetes(cluster))
    out.push_back(ca_entry(k_front_proxy_ca_name, dir, now, within_days, front_proxy));
  for (const auto& leaf : wanted_leaves(cluster))
    out.push_back(leaf_entry(leaf, dir, now, within_days,
                             leaf.signer == Signer::front_proxy ? front_proxy : ca));
  return out;
}

} // namespace acp::pki
