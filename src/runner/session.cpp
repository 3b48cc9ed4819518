// Session: config, package manifest and transports, created once per command.

#include "acpctl/runner/session.hpp"

#include "acpctl/config/load.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/plan/from_package.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/transport/ssh.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"

#include <mutex>

namespace acp::runner {

namespace {
std::mutex g_nodes_mutex;
} // namespace

Result<Session> Session::open(const SessionOptions& options) {
  Session s;
  s.m_options = options;
  auto cluster = config::load_valid(options.config);
  if (!cluster)
    return std::move(cluster).error();
  s.m_cluster = std::move(*cluster);
  auto bytes = util::read_file(options.config);
  if (!bytes)
    return std::move(bytes).error();
  s.m_config_digest = "sha256:" + util::sha256_hex(*bytes);
  if (options.package) {
    auto pkg = package::open_package(*options.package);
    if (!pkg)
      return Error(std::move(pkg).error()).context("opening " + options.package->string());
    // The manifest lists every file's sha256, so its digest identifies the whole content.
    s.m_package_digest = "sha256:" + util::sha256_hex(pkg->manifest_bytes);
    auto desired = plan::desired_from_manifest(pkg->manifest);
    if (!desired)
      return Error(std::move(desired).error()).context(options.package->string());
    s.m_desired = std::move(*desired);
    s.m_package = std::move(*pkg);
  }
  return s;
}

Status Session::load_pki() {
  if (m_pki)
    return {};
  const auto dir = pki::cluster_dir(m_cluster);
  auto loaded = pki::ensure(m_cluster, dir);
  if (!loaded)
    return Error(std::move(loaded).error())
        .context("preparing the cluster's PKI in " + dir.string());
  m_pki = std::make_shared<const pki::ClusterPki>(std::move(*loaded));
  return {};
}

transport::Transport& Session::node(const std::string& name) {
  std::lock_guard lock(g_nodes_mutex);
  auto& slot = m_nodes[name];
  if (!slot) {
    const auto* n = m_cluster.find_node(name);
    if (!n)
      throw Failure(Error(Errc::usage, "no node named " + name + " in the config"));
    slot = transport::make_ssh_transport(*n, m_cluster.ssh);
  }
  return *slot;
}

facts::Gathered Session::gather(const std::vector<std::string>& nodes) {
  std::vector<std::string> names = nodes;
  if (names.empty())
    for (const auto& n : m_cluster.nodes)
      names.push_back(n.name);
  for (const auto& n : names)
    node(n); // create transports up front, outside the worker threads
  return facts::gather_all(
      names,
      [this](const std::string& host, std::string_view script) {
        return facts::run_script_on(node(host), script);
      },
      m_options.parallel);
}

plan::CurrentInputs Session::current(const facts::Gathered& gathered) const {
  plan::CurrentInputs now{m_config_digest, m_package_digest, {}};
  for (const auto& [name, f] : gathered.facts)
    now.node_serials[name] = f.state.serial;
  return now;
}

Result<Planned> plan_cluster(Session& session) {
  Planned out;
  out.gathered = session.gather();
  if (!out.gathered.ok())
    return out;
  std::uint64_t bytes = 0;
  if (session.package())
    bytes = session.package()->manifest.total_size();
  const std::string arch = session.package() ? session.package()->manifest.arch : "";
  out.reports =
      preflight::check(session.cluster(), out.gathered.facts,
                       {arch == "ALL" ? "" : arch, bytes, "/opt/acp", 2.0, session.desired()});
  if (!preflight::passed(out.reports))
    return out;
  if (auto ok = session.load_pki(); !ok)
    return std::move(ok).error();
  auto platform = stages::platform_input(session.platform());
  if (!platform)
    return std::move(platform).error();
  auto p = plan::make_plan({session.cluster(), session.desired(), out.gathered.facts,
                            session.config_digest(), session.package_digest(), &*platform});
  if (!p)
    return std::move(p).error();
  out.plan = std::move(*p);
  return out;
}

} // namespace acp::runner
