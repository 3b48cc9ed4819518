#include "assess.hpp"

#include "store.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>

namespace acp::pki::detail {

namespace {

std::string sans_change(const std::vector<std::string>& want,
                        const std::vector<std::string>& have) {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::set_difference(want.begin(), want.end(), have.begin(), have.end(),
                      std::back_inserter(added));
  std::set_difference(have.begin(), have.end(), want.begin(), want.end(),
                      std::back_inserter(removed));
  std::string out = "SANs changed (";
  for (const auto& s : added)
    out += "+" + s + " ";
  for (const auto& s : removed)
    out += "-" + s + " ";
  out.back() = ')';
  return out;
}

bool usage_matches(Usage usage, const CertFacts& facts) {
  const bool server = usage == Usage::server || usage == Usage::peer;
  const bool client = usage == Usage::client || usage == Usage::peer;
  return !facts.is_ca && facts.server_auth == server && facts.client_auth == client;
}

} // namespace

long days_until(Clock::time_point when, Clock::time_point now) {
  const auto left = std::chrono::floor<std::chrono::days>(when - now);
  return static_cast<long>(left.count());
}

Assessment assess(const Leaf& leaf, const CertFacts& facts, const std::string& cert,
                  const std::string& key, const Ca& ca, Clock::time_point now, int within_days) {
  if (!signed_by(cert, ca.pair.cert))
    return {Verdict::stale, "not signed by the cluster CA"};
  if (facts.sans != leaf.spec.sans)
    return {Verdict::stale, sans_change(leaf.spec.sans, facts.sans)};
  if (facts.cn != leaf.spec.subject.cn || facts.org != leaf.spec.subject.org)
    return {Verdict::stale,
            fmt::format("subject CN={} is not CN={}", facts.cn, leaf.spec.subject.cn)};
  if (!usage_matches(leaf.spec.usage, facts))
    return {Verdict::stale, fmt::format("not a {} certificate", to_string(leaf.spec.usage))};
  if (!key_matches(cert, key))
    return {Verdict::stale, "the key does not belong to the certificate"};
  if (facts.not_after <= now)
    return {Verdict::expiring, fmt::format("expired on {}", date_of(facts.not_after))};
  if (facts.not_after - now < std::chrono::days(within_days) &&
      facts.not_after < ca.facts.not_after)
    return {Verdict::expiring, fmt::format("expires in {} days", days_until(facts.not_after, now))};
  return {};
}

} // namespace acp::pki::detail
