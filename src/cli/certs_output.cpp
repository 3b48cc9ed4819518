#include "certs_output.hpp"

#include "output.hpp"

#include <algorithm>
#include <ctime>
#include <fmt/format.h>

namespace acp::cli {

std::string rfc3339(pki::Clock::time_point when) {
  const std::time_t t = pki::Clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

namespace {

nlohmann::json optional_time(const std::optional<pki::Clock::time_point>& when) {
  return when ? nlohmann::json(rfc3339(*when)) : nlohmann::json(nullptr);
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts)
    out += (out.empty() ? "" : ",") + p;
  return out;
}

} // namespace

nlohmann::json certs_to_json(const std::vector<pki::CertEntry>& entries,
                             const std::filesystem::path& dir) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json j = {{"name", e.name},
                        {"file", e.file.string()},
                        {"node", e.node.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.node)},
                        {"subject", e.subject_cn},
                        {"sans", e.sans},
                        {"notAfter", optional_time(e.not_after)},
                        {"daysLeft", e.not_after ? nlohmann::json(e.days_left) : nullptr},
                        {"status", pki::to_string(e.status)}};
    if (!e.problem.empty())
      j["problem"] = e.problem;
    list.push_back(std::move(j));
  }
  return {{"schema", k_json_schema},
          {"type", "certificates"},
          {"clusterDir", dir.string()},
          {"certificates", std::move(list)}};
}

std::string render_certs_text(const std::vector<pki::CertEntry>& entries) {
  std::size_t name_width = 4;
  std::size_t node_width = 4;
  std::size_t cn_width = 7;
  for (const auto& e : entries) {
    name_width = std::max(name_width, e.name.size());
    node_width = std::max(node_width, e.node.size());
    cn_width = std::max(cn_width, e.subject_cn.size());
  }
  auto row = [&](std::string_view name, std::string_view node, std::string_view cn,
                 std::string_view date, std::string_view days, std::string_view status,
                 std::string_view sans) {
    return fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<20}  {:>5}  {:<8}  {}\n", name, name_width, node,
                       node_width, cn, cn_width, date, days, status, sans);
  };
  std::string out = row("NAME", "NODE", "SUBJECT", "NOT AFTER", "DAYS", "STATUS", "SANS");
  std::string problems;
  for (const auto& e : entries) {
    const auto date = e.not_after ? rfc3339(*e.not_after) : std::string("-");
    const auto days = e.not_after ? std::to_string(e.days_left) : std::string("-");
    out += row(e.name, e.node.empty() ? "-" : e.node, e.subject_cn.empty() ? "-" : e.subject_cn,
               date, days, pki::to_string(e.status), e.sans.empty() ? "-" : joined(e.sans));
    if (!e.problem.empty())
      problems += fmt::format("{}: {}\n", e.file.string(), e.problem);
  }
  return problems.empty() ? out : out + "\n" + problems;
}

int certs_exit_code(const std::vector<pki::CertEntry>& entries) {
  const bool bad = std::any_of(entries.begin(), entries.end(), [](const pki::CertEntry& e) {
    return e.status == pki::CertStatus::expired || e.status == pki::CertStatus::missing ||
           e.status == pki::CertStatus::invalid;
  });
  return bad ? k_exit_failed : k_exit_ok;
}

nlohmann::json renewed_to_json(const std::vector<pki::Renewed>& renewed, bool dry_run) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : renewed)
    list.push_back({{"name", r.name},
                    {"reason", r.reason},
                    {"oldNotAfter", optional_time(r.old_not_after)},
                    {"newNotAfter", optional_time(r.new_not_after)}});
  return {{"schema", k_json_schema},
          {"type", "certificates_renewed"},
          {"dryRun", dry_run},
          {"renewed", std::move(list)}};
}

std::string render_renewed_text(const std::vector<pki::Renewed>& renewed, bool dry_run) {
  if (renewed.empty())
    return dry_run ? "No certificate would be renewed.\n" : "No certificate needed renewing.\n";
  std::string out;
  for (const auto& r : renewed) {
    if (dry_run)
      out += fmt::format("Would renew {} ({})\n", r.name, r.reason);
    else
      out += fmt::format("{} {} ({}){}\n", r.old_not_after ? "Renewed" : "Issued", r.name, r.reason,
                         r.new_not_after ? ", valid until " + rfc3339(*r.new_not_after) : "");
  }
  return out;
}

} // namespace acp::cli
