// Stage 3 of loading: what the values mean. Each check reports at the value's position and
// says how to fix it; all checks run, so one pass shows every problem.

#include "acpctl/config/load.hpp"
#include "acpctl/util/ipaddr.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <regex>
#include <set>

namespace acp::config {

namespace {

using util::Cidr;
using util::IpAddress;

class Checker {
public:
  explicit Checker(const Cluster& c) : m_c(c) {}

  void fail(const std::string& path, std::string message, std::string hint = {}) {
    m_problems.push_back(Problem{m_c.where(path), path, std::move(message), std::move(hint)});
  }
  std::vector<Problem> take() { return std::move(m_problems); }
  const Cluster& cluster() const { return m_c; }

private:
  const Cluster& m_c;
  std::vector<Problem> m_problems;
};

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

std::string node_path(std::size_t i) {
  return fmt::format("spec.nodes[{}]", i);
}

void check_names(Checker& ck) {
  const auto& c = ck.cluster();
  if (!c.name.empty() && !is_dns_label(c.name))
    ck.fail("metadata.name",
            fmt::format("cluster name {} is not a DNS label", util::quoted(c.name)),
            "use lower-case letters, digits and '-', at most 63 characters, e.g. \"global\"");
  static const std::regex k_version("v?[0-9]+\\.[0-9]+\\.[0-9]+");
  if (!c.kubernetes_version.empty() && !short_match(c.kubernetes_version, k_version, 64))
    ck.fail(
        "spec.kubernetesVersion",
        fmt::format("kubernetesVersion {} is not a version", util::quoted(c.kubernetes_version)),
        "write it as vMAJOR.MINOR.PATCH, e.g. v1.31.6");
}

// Parses the CIDRs of one kind and checks they match the IP family.
std::vector<Cidr> check_cidrs(Checker& ck, const std::vector<std::string>& texts,
                              const std::string& path, std::string_view what) {
  const auto family = ck.cluster().network.ip_family;
  std::vector<Cidr> out;
  int v4 = 0;
  int v6 = 0;
  for (const auto& text : texts) {
    auto cidr = Cidr::parse(text);
    if (!cidr) {
      ck.fail(path, fmt::format("{} {} is not a CIDR", what, util::quoted(text)),
              "write an address block such as 10.3.0.0/16");
      continue;
    }
    if (cidr->has_host_bits())
      ck.fail(path, fmt::format("{} {} has host bits set", what, text),
              fmt::format("did you mean {}?", cidr->canonical().to_string()));
    (cidr->network.v6 ? v6 : v4)++;
    out.push_back(*cidr);
  }
  if (out.size() != texts.size())
    return out;
  const bool ok = family == IpFamily::ipv4   ? (v4 == 1 && v6 == 0)
                  : family == IpFamily::ipv6 ? (v4 == 0 && v6 == 1)
                                             : (v4 == 1 && v6 == 1);
  if (!ok)
    ck.fail(path, fmt::format("{} does not match ipFamily {}", what, to_string(family)),
            family == IpFamily::dual ? "give one IPv4 and one IPv6 block, comma-separated"
                                     : fmt::format("give one {} block", to_string(family)));
  return out;
}

struct Networks {
  std::vector<Cidr> pod;
  std::vector<Cidr> service;
  std::optional<Cidr> node;
};

Networks check_network(Checker& ck) {
  const auto& net = ck.cluster().network;
  Networks n;
  n.pod = check_cidrs(ck, net.pod_cidrs, "spec.network.podCIDR", "podCIDR");
  n.service = check_cidrs(ck, net.service_cidrs, "spec.network.serviceCIDR", "serviceCIDR");
  if (!net.node_cidr.empty()) {
    n.node = Cidr::parse(net.node_cidr);
    if (!n.node)
      ck.fail("spec.network.nodeCIDR",
              fmt::format("nodeCIDR {} is not a CIDR", util::quoted(net.node_cidr)),
              "write the nodes' subnet, e.g. 192.168.10.0/24");
  }
  for (const auto& p : n.pod)
    for (const auto& s : n.service)
      if (p.overlaps(s))
        ck.fail("spec.network.serviceCIDR",
                fmt::format("serviceCIDR {} overlaps podCIDR {}", s.to_string(), p.to_string()),
                "pods and services need separate address blocks");
  if (n.node) {
    for (const auto& p : n.pod)
      if (p.overlaps(*n.node))
        ck.fail("spec.network.podCIDR",
                fmt::format("podCIDR {} overlaps nodeCIDR {}", p.to_string(), net.node_cidr),
                "pick a pod block outside the nodes' subnet");
    for (const auto& s : n.service)
      if (s.overlaps(*n.node))
        ck.fail("spec.network.serviceCIDR",
                fmt::format("serviceCIDR {} overlaps nodeCIDR {}", s.to_string(), net.node_cidr),
                "pick a service block outside the nodes' subnet");
  }
  return n;
}

void check_labels(Checker& ck, const Node& node, const std::string& path) {
  static const std::regex k_key(
      "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  static const std::regex k_value("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  for (const auto& [key, value] : node.labels) {
    const auto p = path + ".labels." + key;
    if (!short_match(key, k_key, 317))
      ck.fail(p + "#key",
              fmt::format("label key {} is not a valid Kubernetes label key", util::quoted(key)),
              "use [prefix/]name with letters, digits, '-', '_' and '.'");
    if (!short_match(value, k_value, 63))
      ck.fail(
          p,
          fmt::format("label value {} is not a valid Kubernetes label value", util::quoted(value)),
          "at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric");
  }
}

void check_nodes(Checker& ck, const Networks& nets) {
  const auto& c = ck.cluster();
  std::map<std::string, std::size_t> names;
  std::map<std::string, std::size_t> addresses;
  for (std::size_t i = 0; i < c.nodes.size(); ++i) {
    const auto& node = c.nodes[i];
    const auto path = node_path(i);
    if (!node.name.empty()) {
      if (!is_dns_label(node.name))
        ck.fail(path + ".name",
                fmt::format("node name {} is not a DNS label", util::quoted(node.name)),
                "use lower-case letters, digits and '-', e.g. cp-1");
      if (auto [it, fresh] = names.emplace(node.name, i); !fresh)
        ck.fail(path + ".name",
                fmt::format("node name {} is already used by spec.nodes[{}] (line {})",
                            util::quoted(node.name), it->second,
                            c.where(node_path(it->second) + ".name").line),
                "give every node its own name");
    }
    if (node.address.empty())
      continue;
    const auto ip = IpAddress::parse(node.address);
    if (!ip) {
      ck.fail(path + ".address",
              fmt::format("node address {} is not an IP address", util::quoted(node.address)),
              "write the node's IPv4 or IPv6 address, e.g. 192.168.10.11");
      continue;
    }
    if (auto [it, fresh] = addresses.emplace(ip->to_string(), i); !fresh)
      ck.fail(path + ".address",
              fmt::format("address {} is already used by node {}", node.address,
                          util::quoted(c.nodes[it->second].name)),
              "every node needs its own address");
    if (nets.node && !nets.node->contains(*ip))
      ck.fail(path + ".address",
              fmt::format("address {} is outside nodeCIDR {}", node.address, c.network.node_cidr),
              "fix the address or spec.network.nodeCIDR");
    for (const auto* blocks : {&nets.pod, &nets.service})
      for (const auto& block : *blocks)
        if (block.contains(*ip))
          ck.fail(path + ".address",
                  fmt::format("address {} is inside the {} {}", node.address,
                              blocks == &nets.pod ? "podCIDR" : "serviceCIDR", block.to_string()),
                  "node, pod and service networks must not overlap");
    check_labels(ck, node, path);
  }
}

void check_roles(Checker& ck) {
  const auto& c = ck.cluster();
  if (c.nodes.empty())
    return;
  if (c.nodes_with(Role::control_plane).empty())
    ck.fail("spec.nodes", "no node has the control-plane role",
            "give 1, 3 or 5 nodes roles: [control-plane, etcd]");
  const auto etcd = c.nodes_with(Role::etcd).size();
  if (etcd != 1 && etcd != 3 && etcd != 5) {
    std::string why = etcd == 0 ? "the cluster has no etcd member"
                      : etcd % 2 == 0
                          ? fmt::format("{} members tolerate no more failures than {} and add one "
                                        "more node that can fail",
                                        etcd, etcd - 1)
                          : "more than 5 members slow every write for little gain";
    ck.fail("spec.nodes", fmt::format("{} nodes have the etcd role; it must be 1, 3 or 5", etcd),
            why + "; 3 members tolerate 1 failure, 5 tolerate 2");
  }
}

void check_endpoint(Checker& ck, const Networks& nets) {
  const auto& c = ck.cluster();
  if (const auto& v = c.endpoint.self_built_vip) {
    const std::string path = "spec.controlPlaneEndpoint.selfBuiltVIP";
    if (v->vip.empty())
      return;
    const auto vip = IpAddress::parse(v->vip);
    if (!vip) {
      ck.fail(path + ".vip", fmt::format("vip {} is not an IP address", util::quoted(v->vip)),
              "pick a free address in the control-plane nodes' subnet");
      return;
    }
    for (std::size_t i = 0; i < c.nodes.size(); ++i) {
      const auto ip = IpAddress::parse(c.nodes[i].address);
      if (ip && *ip == *vip)
        ck.fail(
            path + ".vip",
            fmt::format("vip {} is the address of node {}", v->vip, util::quoted(c.nodes[i].name)),
            "the VIP must be a free address that no node holds");
    }
    // Keepalived moves the VIP between control-plane nodes on one L2 segment.
    if (nets.node) {
      if (!nets.node->contains(*vip))
        ck.fail(path + ".vip",
                fmt::format("vip {} is outside the nodes' subnet {}", v->vip, c.network.node_cidr),
                "pick a free address inside spec.network.nodeCIDR");
    } else {
      for (const auto* node : c.nodes_with(Role::control_plane)) {
        const auto ip = IpAddress::parse(node->address);
        if (!ip)
          continue;
        const Cidr subnet = Cidr{*ip, ip->v6 ? 64 : 24}.canonical();
        if (!subnet.contains(*vip)) {
          ck.fail(path + ".vip",
                  fmt::format("vip {} is not in the subnet of control-plane node {} ({})", v->vip,
                              util::quoted(node->name), subnet.to_string()),
                  "pick a free address in the nodes' subnet, or set spec.network.nodeCIDR if "
                  "the subnet is larger than /24");
          break;
        }
      }
    }
    static const std::regex k_ifname("[A-Za-z0-9_.:-]{1,15}");
    if (!v->interface.empty() && !short_match(v->interface, k_ifname, 15))
      ck.fail(
          path + ".interface",
          fmt::format("interface {} is not a network interface name", util::quoted(v->interface)),
          "at most 15 letters, digits, '.', '_', ':' or '-', e.g. eth0");
  }
  if (const auto& lb = c.endpoint.external_load_balancer) {
    if (!lb->address.empty() && !IpAddress::parse(lb->address) && !is_hostname(lb->address))
      ck.fail(
          "spec.controlPlaneEndpoint.externalLoadBalancer.address",
          fmt::format("{} is neither an IP address nor a host name", util::quoted(lb->address)));
  }
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
  if (!short_match(reg->address, k_address, 261))
    ck.fail("spec.registry.address",
            fmt::format("registry address {} is not host[:port]", util::quoted(reg->address)),
            "e.g. 192.168.10.100:11443");
}

bool is_cron_field(const std::string& f) {
  static const std::regex k_field(
      "(\\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?(,([0-9]+(-[0-9]+)?)(/[0-9]+)?)*");
  return short_match(f, k_field, 64);
}

void check_backup(Checker& ck) {
  const auto& b = ck.cluster().etcd_backup;
  if (!b)
    return;
  const std::string path = "spec.etcdBackup";
  std::vector<std::string> fields;
  for (auto& f : util::split(util::trim(b->schedule), ' '))
    if (!f.empty())
      fields.push_back(f);
  if (fields.size() != 5 || !std::all_of(fields.begin(), fields.end(), is_cron_field))
    ck.fail(path + ".schedule",
            fmt::format("schedule {} is not a cron expression", util::quoted(b->schedule)),
            "five fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\"");
  static const std::regex k_ttl("[0-9]+[smhd]");
  if (!short_match(b->ttl, k_ttl, 32))
    ck.fail(path + ".localStorage.ttl",
            fmt::format("ttl {} is not a duration", util::quoted(b->ttl)),
            "a number and a unit s, m, h or d, e.g. 7d");
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
  const auto nets = check_network(ck);
  check_nodes(ck, nets);
  check_roles(ck);
  check_endpoint(ck, nets);
  check_ssh(ck);
  check_etcd(ck);
  check_registry(ck);
  check_backup(ck);
  check_pki(ck);
  return ck.take();
}

} // namespace acp::config
