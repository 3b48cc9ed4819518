// Building the remote command line: the one place where sudo and environment wrapping meet
// util::shell_join.

#include "acpctl/transport/transport.hpp"
#include "acpctl/util/shell.hpp"

#include <fstream>
#include <random>
#include <sstream>

namespace acp::transport {

Wrapping wrapping_for(const SudoSetup& setup) {
  Wrapping w;
  w.sudo = setup.wanted && !setup.login_is_root && setup.enabled;
  w.sudo_password = w.sudo && setup.password_configured && setup.asks_password.value_or(true);
  return w;
}

bool needs_probe(const SudoSetup& setup) {
  return wrapping_for(setup).sudo_password && !setup.asks_password.has_value();
}

Result<std::string> command_line(const Command& command, const Wrapping& wrapping) {
  if (command.argv.empty() || command.argv.front().empty())
    return Error(Errc::usage, "empty command");
  std::vector<std::string> words;
  if (wrapping.sudo) {
    // -k ignores cached credentials so that a given password is always consumed by sudo
    // and never reaches the command's stdin; -n fails instead of waiting for a prompt.
    if (wrapping.sudo_password)
      words.insert(words.end(), {"sudo", "-k", "-S", "-p", "", "--"});
    else
      words.insert(words.end(), {"sudo", "-n", "--"});
  }
  if (!command.env.empty()) {
    words.emplace_back("env");
    for (const auto& [name, value] : command.env) {
      if (!util::is_env_name(name))
        return Error(Errc::usage, "invalid environment variable name \"" + name + "\"");
      words.push_back(name + "=" + value);
    }
  }
  words.insert(words.end(), command.argv.begin(), command.argv.end());
  return util::shell_join(words);
}

std::string temp_path_for(const std::string& remote_path) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto slash = remote_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : remote_path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? remote_path : remote_path.substr(slash + 1);
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  return dir + "." + name + ".acpctl-tmp-" + suffix;
}

Result<UploadResult> Transport::upload_file(const std::filesystem::path& local,
                                            const std::string& remote_path, const FileSpec& spec) {
  std::ifstream in(local, std::ios::binary);
  if (!in)
    return Error(Errc::io, "cannot open " + local.string() + " for upload");
  return upload(in, remote_path, spec);
}

Result<std::vector<UploadResult>> Transport::upload_texts(const std::vector<TextFile>& files) {
  std::vector<UploadResult> out;
  for (const auto& f : files) {
    std::istringstream in(f.content);
    auto r = upload(in, f.path, f.spec);
    if (!r)
      return std::move(r).error();
    out.push_back(*r);
  }
  return out;
}

} // namespace acp::transport
