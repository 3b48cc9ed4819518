#pragma once
// The Transport interface: how every stage reaches a node. It is a seam on purpose: stages
// are tested against a recording fake, the lab and users get SSH (libssh2), and the machine
// acpctl runs on is reached without SSH at all; the stages never know which one they hold.

#include "acpctl/util/error.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acp::transport {

/// Which output stream a line came from.
enum class Stream { out, err };

/// Receives each complete output line (without its newline) as it arrives.
using LineSink = std::function<void(Stream stream, std::string_view line)>;

/// A remote command: an argument vector, never a shell string. The transport quotes it with
/// util::shell_join. Environment values are passed as `env NAME=VALUE` arguments and are
/// therefore visible in the remote process list: secrets go through `stdin` instead.
struct Command {
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;
  std::istream* stdin_stream = nullptr; ///< fed to the command, then EOF; null: empty stdin
  std::chrono::milliseconds timeout{0}; ///< 0: no limit
  bool sudo = false;                    ///< run as root (sudo when the login user is not root)
  LineSink on_line;                     ///< empty: lines go to the debug log, prefixed by host
};

/// What a finished command returned.
struct CommandResult {
  int exit_code = 0;
  std::string out;
  std::string err;
  std::chrono::milliseconds duration{0};

  bool ok() const { return exit_code == 0; }
};

/// How an uploaded file must end up on the node.
struct FileSpec {
  unsigned mode = 0644;
  std::string owner; ///< "user" or "user:group"; empty: leave as created
  bool sudo = false; ///< write as root (sudo when the login user is not root)
};

/// What an upload did.
struct UploadResult {
  bool skipped = false; ///< the target already had this content (same sha256)
  std::string sha256;   ///< digest of the content now at the target
  std::uint64_t bytes = 0;
};

/// A small file held in memory (a config, a certificate) and where it goes.
struct TextFile {
  std::string content;
  std::string path;
  FileSpec spec;
};

class Transport {
public:
  virtual ~Transport() = default;

  /// The node's name, used to prefix log lines and errors.
  virtual const std::string& host() const = 0;

  /// Runs `command` and waits for it. A non-zero exit code is a result, not an error; errors
  /// are connection failures (Errc::connect, Errc::auth), time-outs (Errc::timeout) and a
  /// command killed by a signal (Errc::remote).
  virtual Result<CommandResult> run(const Command& command) = 0;

  /// Uploads `data` to `remote_path`: written to a temporary file beside the target, its
  /// sha256 checked on the node, then renamed over the target, so the target is never half
  /// written. Skips the transfer when the target already has the same digest.
  virtual Result<UploadResult> upload(std::istream& data, const std::string& remote_path,
                                      const FileSpec& spec) = 0;

  /// As above, from a local file; fails with Errc::io naming the file if it cannot be read.
  virtual Result<UploadResult> upload_file(const std::filesystem::path& local,
                                           const std::string& remote_path, const FileSpec& spec);

  /// Writes `files` as upload() writes each one (temporary file beside the target, sha256
  /// checked on the node, atomic rename, identical content skipped), in as few round trips
  /// as the transport can; the default uploads them one by one. Stops at the first failure;
  /// the files before it are in place. One result per file, in order.
  virtual Result<std::vector<UploadResult>> upload_texts(const std::vector<TextFile>& files);

  /// Copies `remote_path` to `local` (written atomically). Fails with Errc::remote naming the
  /// remote file if it cannot be read.
  virtual Status download(const std::string& remote_path, const std::filesystem::path& local,
                          bool sudo = false) = 0;
};

/// How a command line is wrapped for the remote shell.
struct Wrapping {
  bool sudo = false;          ///< prefix with sudo
  bool sudo_password = false; ///< sudo reads a password from stdin first
};

/// What decides how a command is wrapped for sudo on one node.
struct SudoSetup {
  bool wanted = false;               ///< the command runs as root
  bool login_is_root = false;        ///< no sudo needed at all
  bool enabled = false;              ///< the node's config allows sudo
  bool password_configured = false;  ///< a sudo password secret is set
  std::optional<bool> asks_password; ///< learned with `sudo -k -n true`; empty: not yet
};

/// The wrapping for `setup`: sudo when wanted, enabled and not root; the password is fed to
/// sudo only when one is configured and sudo was seen to ask for it (until that is known,
/// sudo_password is set and the caller must learn it first: needs_probe()). A NOPASSWD user
/// never gets the password, so it can never become the command's input.
Wrapping wrapping_for(const SudoSetup& setup);
/// True when the wrapping depends on whether sudo asks and that is not known yet.
bool needs_probe(const SudoSetup& setup);

/// The remote command line for `command`: `[sudo -k -S -p '' --] [env N=V ...] argv...`,
/// every argument quoted by util::shell_join. Fails with Errc::usage on an empty argv or an
/// invalid environment name.
Result<std::string> command_line(const Command& command, const Wrapping& wrapping);

/// The temporary name an upload writes before renaming: ".NAME.acpctl-tmp-RANDOM" beside it.
std::string temp_path_for(const std::string& remote_path);

} // namespace acp::transport
