// SshTransport: one session per node, opened on first use (with retries for transient
// failures only) and reused for every command, upload and download.

#include "ssh_transport.hpp"

#include "acpctl/transport/ssh.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/log.hpp"
#include "channel.hpp"
#include "ssh_session.hpp"

#include <atomic>
#include <fmt/format.h>
#include <mutex>
#include <thread>

namespace acp::transport {

namespace {
std::atomic<long long> g_idle_timeout_seconds{30};
} // namespace

void set_idle_timeout(std::chrono::seconds timeout) {
  g_idle_timeout_seconds = timeout.count();
}

std::chrono::seconds idle_timeout() {
  return std::chrono::seconds(g_idle_timeout_seconds.load());
}

namespace detail {

SshTransport::SshTransport(const config::Node& node, const config::SshSettings& settings,
                           SshOptions options)
    : m_node(node), m_settings(settings), m_options(std::move(options)) {}

Status SshTransport::resolve_secrets() {
  if (m_resolved)
    return {};
  auto secret = [&](const config::SecretRef& ref, const std::string& what,
                    std::string& out) -> Status {
    if (ref.empty())
      return {};
    auto value = ref.resolve();
    if (!value.ok())
      return Error(std::move(value).error()).context(what).with_host(m_node.name);
    out = std::move(*value);
    log::add_secret(out);
    return {};
  };
  Endpoint& t = m_target;
  t.name = m_node.name;
  t.address = m_node.address;
  t.port = m_node.port > 0 ? m_node.port : m_settings.port;
  t.credentials.user = m_node.user.empty() ? m_settings.user : m_node.user;
  t.credentials.key_path = m_node.key_path.empty() ? m_settings.key_path : m_node.key_path;
  t.known_hosts = m_settings.known_hosts;
  t.policy = m_settings.host_key_policy;
  t.connect_timeout = std::chrono::seconds(m_settings.connect_timeout_seconds);
  t.keepalive_seconds = m_options.keepalive_seconds;
  t.idle_timeout = m_options.idle_timeout;
  t.ciphers = m_options.ciphers;
  if (auto st = secret(m_settings.key_passphrase, "key passphrase", t.credentials.key_passphrase);
      !st.ok())
    return st;
  if (auto st = secret(m_node.password, "login password", t.credentials.password); !st.ok())
    return st;
  if (auto st = secret(m_node.sudo.password, "sudo password", m_sudo_password); !st.ok())
    return st;
  if (m_settings.bastion) {
    const auto& b = *m_settings.bastion;
    Endpoint hop = t;
    hop.name = m_node.name + " via bastion " + b.address;
    hop.address = b.address;
    hop.port = b.port;
    hop.credentials = Credentials{b.user.empty() ? m_settings.user : b.user,
                                  b.key_path.empty() ? m_settings.key_path : b.key_path,
                                  t.credentials.key_passphrase,
                                  {}};
    if (auto st = secret(b.password, "bastion password", hop.credentials.password); !st.ok())
      return st;
    m_bastion = hop;
  }
  m_resolved = true;
  return {};
}

Status SshTransport::connect() {
  if (m_session && !m_session->broken())
    return {};
  m_session.reset();
  if (auto st = resolve_secrets(); !st.ok())
    return st;
  const auto sleeper = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  return with_retry(
      m_options.retry, sleeper,
      [&]() -> Status {
        auto session = SshSession::open(m_target, m_bastion);
        if (!session.ok())
          return std::move(session).error();
        m_session = std::move(*session);
        return {};
      },
      [&](const Error& e, int next, std::chrono::milliseconds wait) {
        log::write(log::Level::warn, m_node.name,
                   fmt::format("{}; retrying in {} ms (try {} of {})", e.message(), wait.count(),
                               next, m_options.retry.attempts));
      });
}

SudoSetup SshTransport::sudo_setup(bool sudo) const {
  return {sudo, m_target.credentials.user == "root", m_node.sudo.enabled, !m_sudo_password.empty(),
          m_sudo_asks};
}

Result<bool> SshTransport::sudo_asks_password() {
  if (m_sudo_asks)
    return *m_sudo_asks;
  // -k: cached credentials do not count; -n: fail instead of asking. Exit 0 = NOPASSWD.
  ChannelJob probe;
  probe.line = "sudo -k -n -- true";
  probe.deadline = Clock::now() + std::chrono::seconds(m_settings.connect_timeout_seconds + 10);
  auto outcome = run_channel(*m_session, probe);
  if (!outcome.ok())
    return std::move(outcome).error();
  m_sudo_asks = outcome->exit_code != 0;
  log::write(log::Level::debug, m_node.name,
             *m_sudo_asks ? "sudo asks for a password" : "sudo needs no password (NOPASSWD)");
  return *m_sudo_asks;
}

Result<ChannelOutcome> SshTransport::execute(const std::vector<std::string>& argv, bool sudo,
                                             ChannelJob job) {
  Command command;
  command.argv = argv;
  command.sudo = sudo;
  return execute(command, std::move(job));
}

Result<ChannelOutcome> SshTransport::execute(const Command& command, ChannelJob job) {
  if (auto st = connect(); !st.ok())
    return std::move(st).error();
  if (needs_probe(sudo_setup(command.sudo)))
    if (auto asks = sudo_asks_password(); !asks.ok())
      return std::move(asks).error();
  const Wrapping w = wrapping_for(sudo_setup(command.sudo));
  auto line = command_line(command, w);
  if (!line.ok())
    return Error(std::move(line).error()).with_host(m_node.name);
  job.line = std::move(*line);
  if (w.sudo_password)
    job.preamble = m_sudo_password + "\n";
  log::write(log::Level::debug, m_node.name, "run: " + job.line);
  auto outcome = run_channel(*m_session, job);
  if (!outcome.ok())
    return outcome;
  if (w.sudo && outcome->exit_code == 1 &&
      (outcome->err.find("incorrect password") != std::string::npos ||
       outcome->err.find("a password is required") != std::string::npos))
    return Error(Errc::auth, fmt::format("sudo refused {}: {}", m_target.credentials.user,
                                         one_line(outcome->err)))
        .with_host(m_node.name)
        .with_hint(w.sudo_password
                       ? "check the sudo password secret (" + m_node.sudo.password.describe() + ")"
                       : "give the node a sudo password (sudo: {password: {fromEnv: VAR}}) or "
                         "allow NOPASSWD sudo for this user");
  if (!outcome->signal.empty())
    return Error(Errc::remote,
                 fmt::format("{} was killed by signal {}", command.argv.front(), outcome->signal))
        .with_host(m_node.name);
  return outcome;
}

Result<CommandResult> SshTransport::run(const Command& command) {
  std::lock_guard lock(m_mutex);
  const auto start = Clock::now();
  ChannelJob job;
  job.input = command.stdin_stream;
  job.on_line = command.on_line;
  if (command.timeout.count() > 0)
    job.deadline = start + command.timeout;
  auto outcome = execute(command, std::move(job));
  if (!outcome.ok())
    return std::move(outcome).error();
  return CommandResult{outcome->exit_code, std::move(outcome->out), std::move(outcome->err),
                       std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)};
}

std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text)
    out += c == '\n' ? ' ' : c;
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

} // namespace detail

std::unique_ptr<Transport> make_ssh_transport(const config::Node& node,
                                              const config::SshSettings& settings,
                                              SshOptions options) {
  return std::make_unique<detail::SshTransport>(node, settings, std::move(options));
}

} // namespace acp::transport
