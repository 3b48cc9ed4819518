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

std::vector<CertEntry> check(const config::Cluster& cluster, const std::filesystem::path& dir,
                             int within_days) {
  const auto now = Clock::now();
  std::vector<CertEntry> out;
  CertEntry ca_entry;
  ca_entry.name = k_ca_name;
  ca_entry.file = cert_path(dir, k_ca_name);
  std::optional<std::string> ca_pem;
  std::optional<CertFacts> ca_facts;
  if (read_into(ca_entry, ca_pem, ca_facts)) {
    date_status(ca_entry, now, within_days);
    if (!ca_facts->is_ca) {
      ca_entry.status = CertStatus::invalid;
      ca_entry.problem = "not a CA certificate";
    }
  }
  out.push_back(ca_entry);
  for (const auto& leaf : wanted_leaves(cluster)) {
    CertEntry e;
    e.name = leaf.name;
    e.file = cert_path(dir, leaf.name);
    e.node = leaf.node;
    std::optional<std::string> pem;
    std::optional<CertFacts> facts;
    if (!read_into(e, pem, facts)) {
      out.push_back(std::move(e));
      continue;
    }
    date_status(e, now, within_days);
    auto key = read_optional(key_path(dir, leaf.name));
    if (!key || !*key || !is_key(**key)) {
      e.status = key && !*key ? CertStatus::missing : CertStatus::invalid;
      e.problem = fmt::format("{} is {}", key_path(dir, leaf.name).string(),
                              key && !*key ? "missing" : "not a PEM private key");
    } else if (ca_pem) {
      const Ca ca{{*ca_pem, {}}, *ca_facts, false};
      const auto a = assess(leaf, *facts, *pem, **key, ca, now, within_days);
      if (a.verdict == Verdict::stale) {
        e.status = CertStatus::invalid;
        e.problem = a.reason;
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

} // namespace acp::pki
