#pragma once
// What `acpctl certs check` and `certs renew` print: a table or one JSON document.

#include "acpctl/pki/pki.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acp::cli {

/// {"schema", "type": "certificates", "clusterDir", "certificates": [{name, file, node,
/// subject, sans, notAfter (RFC 3339 UTC), daysLeft, status, problem}]}
nlohmann::json certs_to_json(const std::vector<pki::CertEntry>& entries,
                             const std::filesystem::path& dir);
/// A table: NAME NODE SUBJECT NOT-AFTER DAYS STATUS SANS, then one line per problem.
std::string render_certs_text(const std::vector<pki::CertEntry>& entries);
/// The check's exit code: 1 if any certificate is expired, missing or invalid, else 0.
int certs_exit_code(const std::vector<pki::CertEntry>& entries);

/// {"schema", "type": "certificates_renewed", "dryRun", "renewed": [{name, reason,
/// oldNotAfter, newNotAfter}]}
nlohmann::json renewed_to_json(const std::vector<pki::Renewed>& renewed, bool dry_run);
/// "Renewed etcd/cp-1-server (expires in 12 days), valid until 2027-11-27T10:00:00Z" per line
/// ("Issued" for one that was not there before).
std::string render_renewed_text(const std::vector<pki::Renewed>& renewed, bool dry_run);

/// "2027-11-27T17:38:37Z"
std::string rfc3339(pki::Clock::time_point when);

} // namespace acp::cli
