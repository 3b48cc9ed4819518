// LocalTransport: this machine, without SSH. Commands run directly (fork + execvp, no shell);
// files are written beside the target and renamed, as on a remote node.

#include "acpctl/transport/local.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/shell.hpp"
#include "line_splitter.hpp"
#include "local_file.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace acp::transport {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> local_argv(const Command& command) {
  std::vector<std::string> argv;
  if (command.sudo && ::geteuid() != 0)
    argv.insert(argv.end(), {"sudo", "-n", "--"});
  if (!command.env.empty()) {
    argv.emplace_back("env");
    for (const auto& [name, value] : command.env)
      argv.push_back(name + "=" + value);
  }
  argv.insert(argv.end(), command.argv.begin(), command.argv.end());
  return argv;
}

struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() {
    for (int f : fd)
      if (f >= 0)
        ::close(f);
  }
  void close_end(int i) {
    if (fd[i] >= 0)
      ::close(fd[i]);
    fd[i] = -1;
  }
};

// Refused before anything runs: no program, or an environment name a shell would misread.
Status check_command(const Command& command, const std::string& host) {
  if (command.argv.empty())
    return Error(Errc::usage, "empty command").with_host(host);
  for (const auto& [name, value] : command.env)
    if (!util::is_env_name(name))
      return Error(Errc::usage, "invalid environment variable name \"" + name + "\"");
  return {};
}

// In the child: its own process group, the pipes as stdin/stdout/stderr, then the program.
[[noreturn]] void exec_child(std::vector<char*>& cargv, const Pipe& in, const Pipe& out,
                             const Pipe& err) {
  ::setpgid(0, 0);
  ::dup2(in.fd[0], 0);
  ::dup2(out.fd[1], 1);
  ::dup2(err.fd[1], 2);
  ::execvp(cargv[0], cargv.data());
  const std::string msg = util::with_errno(std::string("cannot run ") + cargv[0]) + "\n";
  [[maybe_unused]] auto n = ::write(2, msg.data(), msg.size());
  ::_exit(127);
}

// Where the command's output goes.
struct OutputSinks {
  CommandResult& result;
  detail::LineSplitter& out_lines;
  detail::LineSplitter& err_lines;
};

// Feeds the command's stdin and drains its stdout and stderr until both close or the timeout
// (counted from `start`) passes. Returns whether it timed out.
bool pump(const Command& command, Pipe& in, Pipe& out, Pipe& err, Clock::time_point start,
          OutputSinks to) {
  std::string pending;
  bool stdin_done = command.stdin_stream == nullptr;
  if (stdin_done)
    in.close_end(1);
  char buffer[65536];
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    if (!stdin_done && pending.empty()) {
      command.stdin_stream->read(buffer, sizeof buffer);
      pending.assign(buffer, static_cast<std::size_t>(command.stdin_stream->gcount()));
      if (pending.empty()) {
        stdin_done = true;
        in.close_end(1);
      }
    }
    pollfd fds[3] = {
        {out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}, {stdin_done ? -1 : in.fd[1], POLLOUT, 0}};
    int wait_ms = -1;
    if (command.timeout.count() > 0) {
      const auto left = command.timeout -
                        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      if (left.count() <= 0)
        return true;
      wait_ms = static_cast<int>(left.count());
    }
    if (::poll(fds, 3, wait_ms) < 0 && errno != EINTR)
      break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0)
        continue;
      Pipe& p = i == 0 ? out : err;
      const auto n = ::read(p.fd[0], buffer, sizeof buffer);
      if (n <= 0) {
        p.close_end(0);
        continue;
      }
      std::string_view chunk(buffer, static_cast<std::size_t>(n));
      (i == 0 ? to.result.out : to.result.err).append(chunk);
      (i == 0 ? to.out_lines : to.err_lines).feed(chunk);
    }
    if (fds[2].revents != 0) {
      const auto n = ::write(in.fd[1], pending.data(), pending.size());
      if (n < 0) {
        stdin_done = true; // the command stopped reading its input
        in.close_end(1);
      } else {
        pending.erase(0, static_cast<std::size_t>(n));
      }
    }
  }
  return false;
}

class LocalTransport : public Transport {
public:
  explicit LocalTransport(std::string name) : m_name(std::move(name)) {}
  const std::string& host() const override { return m_name; }
  Result<CommandResult> run(const Command& command) override;
  Result<UploadResult> upload(std::istream& data, const std::string& remote_path,
                              const FileSpec& spec) override {
    return detail::write_verified(data, remote_path, spec, m_name);
  }
  Status download(const std::string& remote_path, const std::filesystem::path& local,
                  bool) override {
    std::ifstream in(remote_path, std::ios::binary);
    if (!in)
      return Error(Errc::remote, util::with_errno("cannot read " + remote_path)).with_host(m_name);
    auto written = detail::write_verified(in, local.string(), FileSpec{0644, {}, false}, m_name);
    if (!written.ok())
      return std::move(written).error();
    return {};
  }

private:
  std::string m_name;
};

Result<CommandResult> LocalTransport::run(const Command& command) {
  if (auto s = check_command(command, m_name); !s)
    return std::move(s).error();
  const auto argv = local_argv(command);
  std::vector<char*> cargv;
  for (const auto& a : argv)
    cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  Pipe in, out, err;
  if (::pipe2(in.fd, O_CLOEXEC) != 0 || ::pipe2(out.fd, O_CLOEXEC) != 0 ||
      ::pipe2(err.fd, O_CLOEXEC) != 0)
    return Error(Errc::io, util::with_errno("cannot create pipes"));
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0)
    return Error(Errc::io, util::with_errno("cannot fork"));
  if (pid == 0)
    exec_child(cargv, in, out, err);
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);
  std::signal(SIGPIPE, SIG_IGN);
  detail::LineSplitter out_lines(Stream::out, m_name, command.on_line);
  detail::LineSplitter err_lines(Stream::err, m_name, command.on_line);
  CommandResult result;
  const bool timed_out = pump(command, in, out, err, start, {result, out_lines, err_lines});
  if (timed_out)
    ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out_lines.flush();
  err_lines.flush();
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (timed_out)
    return Error(Errc::timeout,
                 "command timed out after " + std::to_string(command.timeout.count()) + " ms")
        .with_host(m_name);
  if (WIFSIGNALED(status))
    return Error(Errc::remote, "command killed by signal " + std::to_string(WTERMSIG(status)))
        .with_host(m_name);
  result.exit_code = WEXITSTATUS(status);
  return result;
}

} // namespace

std::unique_ptr<Transport> make_local_transport(std::string name) {
  return std::make_unique<LocalTransport>(std::move(name));
}

} // namespace acp::transport
