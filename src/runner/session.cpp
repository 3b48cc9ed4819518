// Session: config, package manifest and transports, created once per command.

#include "acpctl/runner/session.hpp"

#include "acpctl/components/registry.hpp"
#include "acpctl/config/load.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/plan/from_package.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/plan/release.hpp"
#include "acpctl/transport/parallel.hpp"
#include "acpctl/transport/ssh.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"

#include <chrono>
#include <fmt/format.h>
#include <mutex>

namespace acp::runner {

namespace {
std::mutex g_nodes_mutex;
// How long the reachability probes may take on a node, all together.
constexpr int k_reach_limit_seconds = 3;

long ms_since(std::chrono::steady_clock::time_point start) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count());
}

} // namespace

Result<Session> Session::open(const SessionOptions& options, Connect connect) {
  Session s;
  s.m_options = options;
  s.m_connect = std::move(connect);
  auto cluster = config::load_valid(options.config);
  if (!cluster)
    return std::move(cluster).error();
  s.m_cluster = std::move(*cluster);
  auto bytes = util::read_file(options.config, config::k_max_config_bytes);
  if (!bytes)
    return std::move(bytes).error();
  s.m_config_digest = "sha256:" + util::sha256_hex(*bytes);
  if (options.package) {
    auto pkg = package::open_package(*options.package);
    if (!pkg)
      return Error(std::move(pkg).error()).context("opening " + options.package->string());
    // The manifest lists every file's sha256, so its digest identifies the whole content.
    s.m_package_digest = "sha256:" + util::sha256_hex(pkg->manifest_bytes);
    auto trusted =
        package::check_package(*options.package,
                               {options.public_key, pki::trusted_keys_dir(s.m_cluster),
                                options.insecure_skip_signature, options.required_fingerprint},
                               options.verify_content);
    if (!trusted)
      return std::move(trusted).error();
    if (!trusted->insecure && trusted->manifest_sha256 != util::sha256_hex(pkg->manifest_bytes))
      return Error(Errc::verify, options.package->string() + " changed while it was being read");
    s.m_trust = std::move(*trusted);
    auto desired = plan::desired_from_manifest(pkg->manifest);
    if (!desired)
      return Error(std::move(desired).error()).context(options.package->string());
    s.m_desired = std::move(*desired);
    s.m_carried = s.m_desired;
    s.m_release = plan::release_of(pkg->manifest, s.m_package_digest);
    s.m_package = std::move(*pkg);
  }
  return s;
}

Status Session::resolve_target(const facts::Gathered& gathered) {
  if (m_options.rollback) {
    auto back = plan::rollback_of(gathered.facts);
    if (!back)
      return std::move(back).error();
    m_desired = std::move(back->components);
    m_release = std::move(back->target);
    m_release_action = "rollback";
    return {};
  }
  if (!m_package || m_package->manifest.type != "patch")
    return {};
  const auto& m = m_package->manifest;
  if (!m_options.upgrade)
    return Error(Errc::usage,
                 fmt::format("{} is a patch ({} {} on {}): a patch is applied with "
                             "`acpctl upgrade`",
                             m_options.package->string(), m.name, m.version, m.base_version))
        .with_hint(
            fmt::format("see the changes with `acpctl upgrade plan -f {0} --package {1}`, "
                        "then roll them out with `acpctl upgrade apply -f {0} --package {1}`",
                        m_options.config.string(), m_options.package->string()));
  auto overlay = plan::overlay_patch(m, m_carried, gathered.facts);
  if (!overlay)
    return std::move(overlay).error();
  m_desired = std::move(*overlay);
  return {};
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

Status Session::read_pki() {
  if (m_pki)
    return {};
  auto loaded = pki::load(m_cluster, pki::cluster_dir(m_cluster));
  if (!loaded)
    return std::move(loaded).error();
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
    slot = m_connect ? m_connect(*n) : transport::make_ssh_transport(*n, m_cluster.ssh);
  }
  return *slot;
}

const stages::Registry& Session::registry() const {
  return m_options.registry ? *m_options.registry : components::registry();
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
        const auto t0 = std::chrono::steady_clock::now();
        auto out = facts::run_script_on(node(host), script);
        log::write(log::Level::debug, host,
                   fmt::format("facts in {} ms (connecting included)", ms_since(t0)));
        return out;
      },
      m_options.parallel, registry().probes());
}

plan::CurrentInputs Session::current(const facts::Gathered& gathered) const {
  plan::CurrentInputs now{m_config_digest, m_package_digest, {}};
  for (const auto& [name, f] : gathered.facts)
    now.node_serials[name] = f.state.serial;
  return now;
}

preflight::ReachResults probe_reach(Session& session, std::span<const std::string> changing) {
  const auto& nodes = session.cluster().nodes;
  const auto claims = session.registry().port_claims(session.cluster());
  const auto results = transport::run_bounded<std::vector<preflight::ProbeResult>>(
      nodes.size(), session.options().parallel,
      [&](std::size_t i) -> Result<std::vector<preflight::ProbeResult>> {
        const auto probes = preflight::reach_probes(session.cluster(), nodes[i], claims, changing);
        if (probes.empty())
          return std::vector<preflight::ProbeResult>{};
        transport::Command command;
        command.argv = preflight::reach_command(probes, k_reach_limit_seconds);
        command.timeout = std::chrono::seconds(k_reach_limit_seconds + 30);
        auto r = session.node(nodes[i].name).run(command);
        if (!r)
          return std::move(r).error();
        auto parsed = preflight::parse_reach(r->out, probes);
        if (parsed.empty())
          return Error(Errc::remote, fmt::format("the reachability probes exited with {}: {}",
                                                 r->exit_code, util::trim(r->err)))
              .with_hint(r->exit_code == 127 ? "install bash on the node" : "");
        return parsed;
      });
  preflight::ReachResults out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (results[i])
      out.emplace(nodes[i].name, *results[i]);
    else // facts came through, so the node is reachable; only this check is skipped
      log::write(log::Level::warn, nodes[i].name,
                 "not checked whether it reaches its peers: " + results[i].error().describe());
  }
  return out;
}

Result<Planned> plan_cluster(Session& session) {
  Planned out;
  const auto t0 = std::chrono::steady_clock::now();
  out.gathered = session.gather();
  log::debug(fmt::format("plan: facts from every node in {} ms", ms_since(t0)));
  if (!out.gathered.ok())
    return out;
  if (auto ok = session.resolve_target(out.gathered); !ok)
    return std::move(ok).error();
  std::uint64_t bytes = 0;
  if (session.package())
    bytes = session.package()->manifest.total_size();
  const std::string arch = session.package() ? session.package()->manifest.arch : "";
  auto claims = session.registry().port_claims(session.cluster());
  for (const auto& c : session.desired())
    claims.push_back({c.roles, c.ports});
  preflight::Requirements req{arch == "ALL" ? "" : arch, bytes, "/opt/acp", 2.0, claims};
  out.reports = preflight::check(session.cluster(), out.gathered.facts, req);
  if (!preflight::passed(out.reports))
    return out;
  if (auto ok = session.load_pki(); !ok)
    return std::move(ok).error();
  auto platform = session.registry().platform_input(session.platform(out.gathered));
  if (!platform)
    return std::move(platform).error();
  plan::PlanInput input{session.cluster(),       session.desired(),        out.gathered.facts,
                        session.config_digest(), session.package_digest(), &*platform};
  input.release = session.release();
  input.release_action = session.release_action();
  auto p = session.registry().plan(input);
  if (!p)
    return std::move(p).error();
  if (p->has_changes()) {
    const auto t1 = std::chrono::steady_clock::now();
    const auto changing = p->hosts();
    const auto reach = probe_reach(session, changing);
    log::debug(fmt::format("plan: reachability probes in {} ms", ms_since(t1)));
    req.reach = &reach;
    req.reach_limit_seconds = k_reach_limit_seconds;
    out.reports = preflight::check(session.cluster(), out.gathered.facts, req);
    if (!preflight::passed(out.reports))
      return out;
  }
  if (session.trust())
    p->package_key = session.trust()->label();
  out.plan = std::move(*p);
  return out;
}

} // namespace acp::runner
