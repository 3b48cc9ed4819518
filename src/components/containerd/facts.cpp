// containerd's facts: whether the daemon answers on its socket, its version, the cgroup
// filesystem and the running tasks; and its line in `acpctl status`.

#include "acpctl/components/containerd/containerd.hpp"
#include "acpctl/util/strings.hpp"

#include <fmt/format.h>

namespace acp::containerd {

namespace {

// Only on a node where the component's ctr is installed.
constexpr std::string_view k_script =
    R"SH(if [ -x /opt/acp/components/containerd/current/bin/ctr ]; then
  c() { /opt/acp/components/containerd/current/bin/ctr --address /run/containerd/containerd.sock \
    --timeout 2s "$@"; }
  s containerd-cgroup; stat -fc %T /sys/fs/cgroup 2>/dev/null
  s containerd-version; c version 2>&1; echo "rc=$?"
  s containerd-tasks; c -n k8s.io tasks ls -q 2>/dev/null | wc -l
fi)SH";

void read_version(const std::string& body, RuntimeFacts& f) {
  const auto lines = util::split(body, '\n');
  f.answered = body.find("rc=0") != std::string::npos;
  for (const auto& line : lines) {
    const auto text = util::trim(line);
    if (text.starts_with("Version:"))
      f.version = std::string(util::trim(text.substr(8))); // the last one is the server's
  }
  if (!f.answered && !lines.empty())
    f.error = std::string(util::trim(lines.front()));
}

std::any parse(const facts::ProbeSections& sections) {
  RuntimeFacts f;
  if (const auto it = sections.find("cgroup"); it != sections.end())
    f.cgroup_fs = std::string(util::trim(it->second));
  if (const auto it = sections.find("version"); it != sections.end())
    read_version(it->second, f);
  if (const auto it = sections.find("tasks"); it != sections.end() && f.answered) {
    try {
      f.running_tasks = std::stoi(std::string(util::trim(it->second)));
    } catch (const std::exception&) {
      f.running_tasks = -1; // not the probe's output
    }
  }
  return f;
}

} // namespace

facts::Probe facts_probe() {
  return {k_name, k_script, &parse};
}

std::optional<stages::StatusLine> node_status(const facts::HostFacts& facts) {
  const auto* f = facts.component<RuntimeFacts>(std::string(k_name));
  if (!f)
    return std::nullopt;
  const auto cgroup = f->cgroup_fs == "cgroup2fs" ? "cgroup v2" : "cgroup v1";
  const auto text =
      f->answered
          ? fmt::format("containerd {} running, {}, {} tasks", f->version, cgroup,
                        f->running_tasks < 0 ? std::string("?") : std::to_string(f->running_tasks))
          : fmt::format("containerd is not answering: {}", f->error);
  nlohmann::json json = {{"running", f->answered},
                         {"version", f->version},
                         {"cgroup", f->cgroup_fs},
                         {"tasks", f->running_tasks},
                         {"error", f->error}};
  return stages::StatusLine{"containerd", text, f->answered, std::move(json), 0};
}

} // namespace acp::containerd
