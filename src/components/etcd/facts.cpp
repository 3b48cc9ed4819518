// The etcd component's facts: its part of the facts script and the parser of its sections.
// The sections come in order: endpoint, status, then members and health only when status
// answered (and health only when it knew a leader).

#include "acpctl/components/etcd/facts.hpp"

#include "acpctl/util/strings.hpp"

namespace acp::etcd {

namespace {

constexpr std::string_view k_script =
    R"SH(if [ -r /etc/acp/etcd/endpoint ] && [ -x /opt/acp/components/etcd/current/bin/etcdctl ]; then
  e=$(cat /etc/acp/etcd/endpoint)
  c() { /opt/acp/components/etcd/current/bin/etcdctl --endpoints="$e" --cacert=/etc/acp/pki/ca.crt \
    --cert=/etc/acp/pki/etcd/healthcheck-client.crt --key=/etc/acp/pki/etcd/healthcheck-client.key \
    --dial-timeout=1s --command-timeout=2s -w json "$@" 2>&1; echo "rc=$?"; }
  s etcd-endpoint; echo "$e"
  st=$(c endpoint status); s etcd-status; echo "$st"
  case $st in *rc=0) s etcd-members; c member list;; esac
  case $st in *'"leader":'*rc=0) s etcd-health; c endpoint health;; esac
  # a user that does not exist: refused when authorization is on, ignored when off
  case $st in *rc=0) s etcd-auth; c --user=acp-auth-probe --password=none endpoint status;; esac
fi
if [ -r /etc/acp/etcd/backup/dir ]; then
  s etcd-snapshot; date +%s
  find "$(cat /etc/acp/etcd/backup/dir)" -maxdepth 1 -type f -name 'snapshot-etcd-*.db' \
    -printf '%T@ %f\n' 2>/dev/null | sort -n | tail -n 1
fi)SH";

std::string first_line(const std::string& body) {
  return std::string(util::trim(body.substr(0, body.find('\n'))));
}

void read_status(const std::string& body, EtcdFacts& e) {
  auto status = parse_endpoint_status(body);
  e.answered = status.ok();
  if (status)
    e.status = *status;
  else
    e.error = status.error().message();
  if (status && status->leader == 0)
    e.error =
        status->errors.empty() ? "the member knows no leader" : util::join(status->errors, "; ");
}

// "NOW" then "MTIME NAME" of the newest snapshot (none yet: only NOW).
void read_snapshot(const std::string& body, EtcdFacts& e) {
  const auto lines = util::split(body, '\n');
  e.scheduled = true;
  if (lines.size() < 2)
    return;
  const auto space = lines[1].find(' ');
  try {
    const auto now = std::stoll(lines[0]);
    const auto mtime = std::stoll(lines[1].substr(0, space));
    if (space != std::string::npos)
      e.last_snapshot =
          LastSnapshot{lines[1].substr(space + 1), std::max<long long>(now - mtime, 0)};
  } catch (const std::exception&) {
    // Not the probe's output (a damaged node): as if there were no snapshot.
  }
}

// The probe's user is unknown to etcd: refused ("authentication failed") when authorization
// is on; when it is off, etcd ignores the user and answers (etcdctl 3.4 logs "authentication
// is not enabled"). Anything else: not known.
std::optional<bool> read_auth(const std::string& body) {
  if (body.find("authentication is not enabled") != std::string::npos)
    return false;
  if (body.find("authentication failed") != std::string::npos)
    return true;
  if (util::trim(body).ends_with("rc=0"))
    return false;
  return std::nullopt;
}

std::any parse(const facts::ProbeSections& sections) {
  EtcdFacts e;
  if (const auto it = sections.find("snapshot"); it != sections.end())
    read_snapshot(it->second, e);
  if (const auto it = sections.find("endpoint"); it != sections.end())
    e.endpoint = first_line(it->second);
  if (const auto it = sections.find("status"); it != sections.end())
    read_status(it->second, e);
  if (const auto it = sections.find("members"); it != sections.end())
    if (auto members = parse_member_list(it->second))
      e.members = std::move(*members);
  if (const auto it = sections.find("auth"); it != sections.end())
    e.auth = read_auth(it->second);
  if (const auto it = sections.find("health"); it != sections.end()) {
    auto health = parse_endpoint_health(it->second);
    e.healthy = health.ok();
    if (!health)
      e.error = health.error().message();
  }
  return e;
}

} // namespace

facts::Probe facts_probe() {
  return {k_service, k_script, &parse};
}

const EtcdFacts* facts_of(const facts::HostFacts& facts) {
  return facts.component<EtcdFacts>(k_service);
}

void set_facts(facts::HostFacts& facts, EtcdFacts etcd) {
  facts.components[k_service] = std::move(etcd);
}

} // namespace acp::etcd
