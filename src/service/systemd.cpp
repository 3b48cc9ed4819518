// systemd: one unit per service in /etc/systemd/system, controlled with systemctl.

#include "acpctl/service/manager.hpp"
#include "acpctl/util/strings.hpp"

#include <charconv>
#include <fmt/format.h>

namespace acp::service {

namespace {

constexpr std::string_view k_unit_dir = "/etc/systemd/system";

bool is_plain(std::string_view word) {
  if (word.empty())
    return false;
  for (char c : word)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          std::string_view("/_-.:,=@+").find(c) != std::string_view::npos))
      return false;
  return true;
}

// systemd's own quoting (systemd.service(5), "Command lines"): inside double quotes a
// backslash escapes; "$" starts a variable and "%" a specifier even when quoted, so both are
// doubled to stay literal.
std::string quoted(std::string_view word, bool expand_dollar) {
  std::string out = "\"";
  for (char c : word) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '%' || (expand_dollar && c == '$'))
      out += c;
    out += c;
  }
  return out + "\"";
}

std::string exec_line(const Argv& argv) {
  std::string out;
  for (const auto& arg : argv)
    out += (out.empty() ? "" : " ") + (is_plain(arg) ? arg : quoted(arg, true));
  return out;
}

std::string_view restart_value(RestartPolicy policy) {
  switch (policy) {
  case RestartPolicy::always:
    return "always";
  case RestartPolicy::on_failure:
    return "on-failure";
  case RestartPolicy::never:
    break;
  }
  return "no";
}

std::string unit_text(const ServiceSpec& spec) {
  std::string out = fmt::format("# Written by acpctl; changes are overwritten on the next apply.\n"
                                "[Unit]\nDescription=acpctl component {}\n"
                                "Wants=network-online.target\nAfter=network-online.target\n\n"
                                "[Service]\nType=simple\nExecStart={}\n",
                                spec.name, exec_line(spec.command));
  if (!spec.user.empty())
    out += fmt::format("User={}\n", spec.user);
  out += fmt::format("WorkingDirectory={}\n", spec.working_dir.empty() ? "/" : spec.working_dir);
  for (const auto& [name, value] : spec.environment)
    out += fmt::format("Environment={}\n", quoted(name + "=" + value, false));
  if (spec.keep_children)
    out += "KillMode=process\n";
  if (spec.open_files != 0)
    out += fmt::format("LimitNOFILE={}\n", spec.open_files);
  if (spec.delegate_cgroups)
    out += "Delegate=yes\n";
  out += fmt::format("Restart={}\nRestartSec=5\n\n[Install]\nWantedBy=multi-user.target\n",
                     restart_value(spec.restart));
  return out;
}

class Systemd final : public ServiceManager {
public:
  std::string_view kind() const override { return "systemd"; }

  Result<Installation> install(const ServiceSpec& spec, bool) const override {
    if (auto ok = validate(spec); !ok)
      return std::move(ok).error();
    const auto unit = unit_name(spec.name) + ".service";
    return Installation{{{fmt::format("{}/{}", k_unit_dir, unit), unit_text(spec), 0644}},
                        {{"systemctl", "daemon-reload"}, {"systemctl", "enable", "--", unit}}};
  }

  std::vector<Argv> uninstall(const std::string& name) const override {
    const auto unit = unit_name(name) + ".service";
    return {{"systemctl", "disable", "--now", "--", unit},
            {"rm", "-f", "--", fmt::format("{}/{}", k_unit_dir, unit)},
            {"systemctl", "daemon-reload"}};
  }

  Argv start(const std::string& name) const override { return verb("start", name); }
  Argv stop(const std::string& name) const override { return verb("stop", name); }
  Argv restart(const std::string& name) const override { return verb("restart", name); }
  Argv status(const std::string& name) const override {
    Argv argv{"systemctl", "show"};
    for (const char* property : {"LoadState", "ActiveState", "SubState", "MainPID"})
      argv.insert(argv.end(), {"-p", property});
    argv.insert(argv.end(), {"--", unit_name(name) + ".service"});
    return argv;
  }

  Result<ServiceStatus> parse_status(std::string_view output) const override {
    std::string load;
    std::string active;
    std::string sub;
    ServiceStatus status;
    for (const auto& line : util::split(output, '\n')) {
      const auto eq = line.find('=');
      if (eq == std::string::npos)
        continue;
      const auto key = line.substr(0, eq);
      const auto value = std::string(util::trim(line.substr(eq + 1)));
      if (key == "LoadState")
        load = value;
      else if (key == "ActiveState")
        active = value;
      else if (key == "SubState")
        sub = value;
      else if (key == "MainPID")
        std::from_chars(value.data(), value.data() + value.size(), status.pid);
    }
    if (load.empty() || active.empty())
      return Error(Errc::remote, "unexpected `systemctl show` output: " +
                                     std::string(util::trim(output.substr(0, 200))));
    status.exists = load == "loaded";
    status.running = active == "active" && status.pid > 0;
    status.detail = fmt::format("{} ({})", active, sub.empty() ? load : sub);
    if (!status.running)
      status.pid = 0;
    return status;
  }

private:
  static Argv verb(const char* what, const std::string& name) {
    return {"systemctl", what, "--", unit_name(name) + ".service"};
  }
};

} // namespace

std::unique_ptr<ServiceManager> make_systemd() {
  return std::make_unique<Systemd>();
}

} // namespace acp::service
