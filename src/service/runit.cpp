// runit: a service directory per service in /etc/service, which runsvdir scans. A new
// directory is prepared under a dot-name (runsvdir ignores those) and renamed in, so runsv
// never starts a half-written service.

#include "acpctl/service/manager.hpp"
#include "acpctl/util/shell.hpp"
#include "acpctl/util/strings.hpp"

#include <charconv>
#include <fmt/format.h>

namespace acp::service {

namespace {

constexpr std::string_view k_service_dir = "/etc/service";

std::string dir_of(const std::string& name) {
  return fmt::format("{}/{}", k_service_dir, unit_name(name));
}
std::string staging_dir_of(const std::string& name) {
  return fmt::format("{}/.{}", k_service_dir, unit_name(name));
}

// The run script is a shell script, so every value in it goes through shell_quote.
std::string run_script(const ServiceSpec& spec) {
  std::string out = fmt::format(
      "#!/bin/sh\n# {}: written by acpctl; changes are overwritten on "
      "the next apply.\nexec 2>&1\ncd {} || exit 111\nexec",
      unit_name(spec.name), util::shell_quote(spec.working_dir.empty() ? "/" : spec.working_dir));
  if (!spec.environment.empty()) {
    out += " env";
    for (const auto& [name, value] : spec.environment)
      out.append(" ").append(util::shell_quote(name + "=" + value));
  }
  if (spec.open_files != 0)
    out += fmt::format(" chpst -o {}", spec.open_files);
  if (!spec.user.empty())
    out += " chpst -u " + util::shell_quote(spec.user);
  return out + " " + util::shell_join(spec.command) + "\n";
}

std::string log_script(const ServiceSpec& spec) {
  const auto dir = util::shell_quote(fmt::format("/var/log/acp/{}", spec.name));
  return fmt::format("#!/bin/sh\nmkdir -p {0} || exit 111\nexec svlogd -tt {0}\n", dir);
}

// runsv restarts a process whenever it exits; the finish script says "stay down" where the
// policy does not want that. runsv passes the exit code as $1 (-1 when killed by a signal).
std::string finish_script(RestartPolicy policy) {
  if (policy == RestartPolicy::never)
    return "#!/bin/sh\nexec sv down .\n";
  return "#!/bin/sh\n[ \"$1\" != 0 ] || exec sv down .\n";
}

// runsvdir starts runsv for a new service directory on its next scan (every 5 s); until then
// `sv` fails at once ("unable to open supervise/ok"), and right after runsv made the FIFO but
// before it opened it, with "runsv not running" (seen on a loaded machine). An apply resumed
// right after the directory was moved in must wait for that, so start, stop and restart wait up
// to 15 s until `sv status` gets an answer from runsv. stop and restart then wait up to 60 s
// for the process to go (sv's own default is 7 s; an etcd leader handing its leadership over
// on TERM has taken longer; systemd waits 90 s).
Argv when_supervised(std::string_view verb, const std::string& name) {
  return {"sh",
          "-c",
          "i=0; while ! sv status \"$1\" >/dev/null 2>&1 && [ $i -lt 150 ]; do sleep 0.1; "
          "i=$((i+1)); done; exec sv -w 60 \"$2\" \"$1\"",
          "sh",
          dir_of(name),
          std::string(verb)};
}

class Runit final : public ServiceManager {
public:
  std::string_view kind() const override { return "runit"; }

  Result<Installation> install(const ServiceSpec& spec, bool exists) const override {
    if (auto ok = validate(spec); !ok)
      return std::move(ok).error();
    const auto dir = exists ? dir_of(spec.name) : staging_dir_of(spec.name);
    Installation out;
    out.files.push_back({dir + "/run", run_script(spec), 0755});
    out.files.push_back({dir + "/log/run", log_script(spec), 0755});
    if (spec.restart != RestartPolicy::always)
      out.files.push_back({dir + "/finish", finish_script(spec.restart), 0755});
    else if (exists)
      out.commands.push_back({"rm", "-f", "--", dir + "/finish"});
    if (!exists)
      out.commands.push_back({"mv", "-T", "--", dir, dir_of(spec.name)});
    return out;
  }

  std::vector<Argv> uninstall(const std::string& name) const override {
    // runsvdir stops the supervisor of a directory that left /etc/service on its own scan,
    // which can beat these `sv` calls; then they fail, and that is fine: the supervisor is
    // going or gone either way. Moving and deleting must work.
    const auto removed = staging_dir_of(name) + "-removed";
    return {{"mv", "-T", "--", dir_of(name), removed},
            {"sh", "-c", "sv -w 10 force-stop \"$1\" \"$1/log\"; sv exit \"$1\" \"$1/log\"; exit 0",
             "sh", removed},
            util::remove_tree_argv(k_service_dir, std::vector<std::string>{removed})};
  }

  Argv start(const std::string& name) const override { return when_supervised("up", name); }
  Argv stop(const std::string& name) const override { return when_supervised("stop", name); }
  Argv restart(const std::string& name) const override { return when_supervised("restart", name); }
  Argv status(const std::string& name) const override { return {"sv", "status", dir_of(name)}; }

  // "run: /etc/service/x: (pid 123) 45s; run: log: (pid 122) 45s"
  // "down: /etc/service/x: 3s, normally up"
  // "fail: /etc/service/x: unable to change to service directory: file does not exist"
  // "warning: /etc/service/x: unable to open supervise/ok: ..." (runsv not running yet)
  Result<ServiceStatus> parse_status(std::string_view output) const override {
    auto text = std::string(util::trim(output));
    text = text.substr(0, text.find("; "));
    const auto colon = text.find(':');
    if (colon == std::string::npos)
      return Error(Errc::remote, "unexpected `sv status` output: " + text.substr(0, 200));
    const auto word = text.substr(0, colon);
    ServiceStatus status;
    status.detail = text;
    if (word == "fail" || word == "warning")
      return status;
    if (word != "run" && word != "down" && word != "finish")
      return Error(Errc::remote, "unexpected `sv status` output: " + text.substr(0, 200));
    status.exists = true;
    status.running = word == "run";
    if (const auto pid = text.find("(pid "); status.running && pid != std::string::npos) {
      const auto* begin = text.data() + pid + 5;
      std::from_chars(begin, text.data() + text.size(), status.pid);
    }
    return status;
  }
};

} // namespace

std::unique_ptr<ServiceManager> make_runit() {
  return std::make_unique<Runit>();
}

} // namespace acp::service
