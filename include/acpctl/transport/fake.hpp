#pragma once
// FakeTransport: a recording Transport for unit tests of stages. It records every command
// line exactly as the SSH transport would send it and answers from scripted responses.

#include "acpctl/transport/transport.hpp"

#include <map>
#include <mutex>
#include <optional>

namespace acp::transport {

class FakeTransport : public Transport {
public:
  /// One recorded call.
  struct Call {
    std::string line;       ///< the quoted, wrapped remote command line
    Command command;        ///< as given (stdin_stream and on_line cleared)
    std::string stdin_data; ///< what the command's stdin carried
  };
  struct File {
    std::string content;
    FileSpec spec;
  };

  explicit FakeTransport(std::string host, Wrapping wrapping = {});

  const std::string& host() const override { return m_host; }
  Result<CommandResult> run(const Command& command) override;
  Result<UploadResult> upload(std::istream& data, const std::string& remote_path,
                              const FileSpec& spec) override;
  Status download(const std::string& remote_path, const std::filesystem::path& local,
                  bool sudo = false) override;

  /// Answers a command whose argv starts with `argv_prefix` (the longest matching prefix wins;
  /// unmatched commands exit 0 with no output).
  void respond(std::vector<std::string> argv_prefix, CommandResult result);
  /// Makes a command whose argv starts with `argv_prefix` fail with `error`.
  void fail(std::vector<std::string> argv_prefix, Error error);

  std::vector<Call> calls() const;
  /// The node's files as uploads left them (remote path → content and spec).
  std::map<std::string, File> files() const;
  void put_file(const std::string& path, std::string content);

private:
  std::string m_host;
  Wrapping m_wrapping;
  mutable std::mutex m_mutex;
  std::vector<Call> m_calls;
  std::map<std::vector<std::string>, Result<CommandResult>> m_responses;
  std::map<std::string, File> m_files;
};

} // namespace acp::transport
