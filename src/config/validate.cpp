// Stage 3 of loading: what the values mean. Each check reports at the value's position and
// says how to fix it; all checks run, so one pass shows every problem. The network checks are
// in validate_network.cpp, the nodes' in validate_nodes.cpp.

#include "validate.hpp"

#include "acpctl/util/cron.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

namespace acp::config {

namespace detail {

// std::regex matches by recursion, a stack frame or more per character: a megabyte value would
// overflow the stack, so a value longer than any valid one is refused before matching.
bool short_match(std::string_view s, const std::regex& re, std::size_t max_size) {
  return s.size() <= max_size && std::regex_match(s.begin(), s.end(), re);
}

bool is_dns_label(std::string_view s) {
  static const std::regex k_label("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  return short_match(s, k_label, 63);
}

bool is_hostname(std::string_view s) {
  static const std::regex k_host("[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-"
                                 "Za-z0-9]{0,61}[A-Za-z0-9])?)*");
  return short_match(s, k_host, 253);
}

} // namespace detail

namespace {

using detail::Checker;
using detail::is_dns_label;
using detail::is_hostname;
using detail::short_match;
using util::IpAddress;

void check_names(Checker& ck) {
  const auto& c = ck.cluster();
  if (!c.name.empty() && !is_dns_label(c.name))
    ck.fail("metadata.name",
            fmt::format("cluster name {} is not a DNS label", util::quoted(c.name)),
            "use lower-case letters, digits and '-', at most 63 characters, e.g. \"global\"");
}

void check_ssh(Checker& ck) {
  const auto& ssh = ck.cluster().ssh;
  if (ssh.bastion && !ssh.bastion->address.empty() && !IpAddress::parse(ssh.bastion->address) &&
      !is_hostname(ssh.bastion->address))
    ck.fail("spec.ssh.bastion.address", fmt::format("{} is neither an IP address nor a host name",
                                                    util::quoted(ssh.bastion->address)));
}

void check_etcd(Checker& ck) {
  const auto& etcd = ck.cluster().etcd;
  if (auto problem = node_dir_problem(etcd.data_dir); !problem.empty())
    ck.fail("spec.etcd.dataDir", fmt::format("dataDir {} {}", util::quoted(etcd.data_dir), problem),
            "write a plain absolute path of a directory only etcd uses, such as /var/lib/etcd");
  if (etcd.client_port == etcd.peer_port)
    ck.fail("spec.etcd.peerPort",
            fmt::format("peerPort and clientPort are both {}", etcd.peer_port),
            "etcd listens for clients and peers on different ports (2379 and 2380)");
}

void check_registry(Checker& ck) {
  const auto& reg = ck.cluster().registry;
  if (!reg || reg->address.empty())
    return;
  static const std::regex k_address("([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:]+\\])(:[0-9]{1,5})?");
  if (!short_match(reg->address, k_address, 261) || reg->address.starts_with('.'))
    ck.fail("spec.registry.address",
            fmt::format("registry address {} is not host[:port]", util::quoted(reg->address)),
            "e.g. 192.168.10.100:11443");
  if (auto problem = node_dir_problem(reg->storage_dir); !problem.empty())
    ck.fail("spec.registry.storageDir",
            fmt::format("storageDir {} {}", util::quoted(reg->storage_dir), problem),
            "write a plain absolute path of a directory only the registry uses, such as "
            "/var/lib/acp/registry");
  const auto& etcd = ck.cluster().etcd;
  if (reg->port == etcd.client_port || reg->port == etcd.peer_port)
    ck.fail("spec.registry.port", fmt::format("port {} is etcd's", reg->port),
            "the platform registry listens on 11443");
  if (reg->pull_port == etcd.client_port || reg->pull_port == etcd.peer_port)
    ck.fail("spec.registry.pullPort", fmt::format("pullPort {} is etcd's", reg->pull_port),
            "the platform registry serves pulls on 11444");
  else if (reg->pull_port == reg->port)
    ck.fail("spec.registry.pullPort", fmt::format("pullPort and port are both {}", reg->pull_port),
            "pushes (password) and pulls (node certificates) need two ports: 11443 and 11444");
}

void check_backup(Checker& ck) {
  const auto& b = ck.cluster().etcd_backup;
  if (!b)
    return;
  const std::string path = "spec.etcdBackup";
  if (auto cron = util::parse_cron(b->schedule); !cron)
    ck.fail(path + ".schedule",
            fmt::format("schedule {} is not a cron expression: {}", util::quoted(b->schedule),
                        cron.error().message()),
            "five fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\"");
  else if (util::cron_period(*cron, std::chrono::system_clock::now()).count() == 0)
    ck.fail(path + ".schedule", fmt::format("schedule {} never fires", util::quoted(b->schedule)),
            "pick days that exist, e.g. \"0 2 * * *\" for 02:00 every day");
  static const std::regex k_ttl("[0-9]+[mhd]");
  if (!short_match(b->ttl, k_ttl, 32))
    ck.fail(path + ".localStorage.ttl",
            fmt::format("ttl {} is not a duration", util::quoted(b->ttl)),
            "a whole number of minutes, hours or days: 30m, 12h, 7d");
  if (auto problem = node_dir_problem(b->local_path); !problem.empty())
    ck.fail(path + ".localStorage.path",
            fmt::format("path {} {}", util::quoted(b->local_path), problem),
            "write a plain absolute path of a directory only for backups, such as "
            "/cpaas/backup/etcd");
  if (const auto& s3 = b->s3) {
    const std::string sp = path + ".remoteStorage.s3";
    if (!s3->endpoint.empty() && !s3->endpoint.starts_with("http://") &&
        !s3->endpoint.starts_with("https://"))
      ck.fail(sp + ".endpoint", fmt::format("endpoint {} is not a URL", util::quoted(s3->endpoint)),
              "write it with its scheme, e.g. https://s3.example.com");
    static const std::regex k_bucket("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    if (!s3->bucket.empty() && !short_match(s3->bucket, k_bucket, 63))
      ck.fail(sp + ".bucket",
              fmt::format("bucket {} is not a valid S3 bucket name", util::quoted(s3->bucket)),
              "3–63 lower-case letters, digits, '.' or '-'");
  }
}

void check_pki(Checker& ck) {
  const auto& pki = ck.cluster().pki;
  if (!pki)
    return;
  for (const auto& [field, file] :
       {std::pair{"caCertFile", &pki->ca_cert_file}, std::pair{"caKeyFile", &pki->ca_key_file}}) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*file, ec))
      ck.fail(fmt::format("spec.pki.{}", field),
              fmt::format("{} {} {}", field, *file,
                          std::filesystem::exists(*file, ec) ? "is not a file" : "does not exist"),
              "give the path of your CA's PEM file; a relative path is taken from the config "
              "file's directory");
  }
}

} // namespace

std::vector<Problem> validate(const Cluster& cluster) {
  Checker ck(cluster);
  check_names(ck);
  const auto nets = detail::check_network(ck);
  detail::check_nodes(ck, nets);
  detail::check_roles(ck);
  detail::check_endpoint(ck, nets);
  detail::check_kubernetes(ck, nets);
  check_ssh(ck);
  check_etcd(ck);
  check_registry(ck);
  check_backup(ck);
  check_pki(ck);
  return ck.take();
}

} // namespace acp::config
