#pragma once
// The SSH transport's class, shared by ssh_transport.cpp (connection, commands) and
// ssh_upload.cpp (file transfer).

#include "acpctl/transport/ssh.hpp"
#include "channel.hpp"
#include "ssh_session.hpp"

#include <mutex>
#include <optional>

namespace acp::transport::detail {

class SshTransport : public Transport {
public:
  SshTransport(const config::Node& node, const config::SshSettings& settings, SshOptions options);

  const std::string& host() const override { return m_node.name; }
  Result<CommandResult> run(const Command& command) override;
  Result<UploadResult> upload(std::istream& data, const std::string& remote_path,
                              const FileSpec& spec) override;
  /// One exec channel for all files (k_write_texts in ssh_upload.cpp); files with
  /// different sudo settings go one by one.
  Result<std::vector<UploadResult>> upload_texts(const std::vector<TextFile>& files) override;
  Status download(const std::string& remote_path, const std::filesystem::path& local,
                  bool sudo) override;

private:
  Status resolve_secrets();
  Status connect();
  SudoSetup sudo_setup(bool sudo) const;
  /// Whether sudo asks this user for a password: `sudo -k -n true` once per transport. A
  /// configured password is sent only when it does, so it never becomes a command's input.
  Result<bool> sudo_asks_password();
  /// Runs a command on the session (connecting first); maps sudo refusals to Errc::auth.
  Result<ChannelOutcome> execute(const Command& command, ChannelJob job);
  Result<ChannelOutcome> execute(const std::vector<std::string>& argv, bool sudo, ChannelJob job);
  void remove_quietly(const std::string& path, bool sudo);

  config::Node m_node;
  config::SshSettings m_settings;
  SshOptions m_options;
  bool m_resolved = false;
  Endpoint m_target;
  std::optional<Endpoint> m_bastion;
  std::string m_sudo_password;
  std::optional<bool> m_sudo_asks; ///< sudo_asks_password(), once known
  std::mutex m_mutex;              ///< one operation at a time on the session
  std::unique_ptr<SshSession> m_session;
};

/// Multi-line output as one line, for error messages.
std::string one_line(const std::string& text);

/// The script upload_texts runs (`sh -c SCRIPT acpctl-upload ARGS...`): ARGS are six per file
/// (target, temporary path, size, sha256, mode, owner) and stdin is the contents one after
/// another. Per file it prints "skip TARGET" (same content already there: mode and owner
/// applied) or "wrote TARGET"; exits 4 naming the file when what it wrote has another sha256.
extern const char* const k_write_texts;

} // namespace acp::transport::detail
