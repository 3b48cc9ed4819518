#pragma once
// The one door for every state-changing action on a node (k0sctl's `Wet`): stages run
// commands and upload files only through Actions, so a dry run only has to swap this switch.

#include "acpctl/service/manager.hpp"
#include "acpctl/transport/transport.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace acp::stages {

class Actions {
public:
  /// Acts on `node`; with `dry_run` every action is only logged and reported as done.
  Actions(transport::Transport& node, bool dry_run) : m_node(node), m_dry(dry_run) {}

  transport::Transport& node() { return m_node; }
  bool dry_run() const { return m_dry; }

  /// Runs `argv` as root. A non-zero exit is an Errc::remote error naming the command and
  /// quoting its stderr.
  Result<transport::CommandResult> run(const std::vector<std::string>& argv);
  /// Removes `paths` recursively as root, each only if it resolves (on the node, symlinks and
  /// "..") strictly below `owned_root`; if any does not, removes nothing and fails with an
  /// Errc::remote error naming the path and the root. The one way a stage runs `rm -rf`.
  Status remove_tree(const std::vector<std::string>& paths, std::string_view owned_root);
  /// Uploads a local file to `remote` as root with `mode` (atomic, skipped when identical).
  Result<transport::UploadResult> upload_file(const std::filesystem::path& local,
                                              const std::string& remote, unsigned mode);
  /// Uploads `content` to `remote` as root with `mode` (atomic, skipped when identical).
  Result<transport::UploadResult> upload_text(const std::string& content, const std::string& remote,
                                              unsigned mode);
  /// Writes small files as upload_text does each, in one round trip on SSH (as root);
  /// in a dry run logs "would write PATH" for each.
  Status upload_texts(const std::vector<service::FileToWrite>& files);
  /// How many uploads actually sent bytes (not skipped), for reports and tests.
  int uploads_sent() const { return m_sent; }

private:
  transport::Transport& m_node;
  bool m_dry;
  int m_sent = 0;
};

/// A read-only command as root (status polls, health checks); runs even in a dry run. Fails
/// with Errc::timeout if it runs longer than `timeout`.
Result<transport::CommandResult> query(transport::Transport& node,
                                       const std::vector<std::string>& argv,
                                       std::chrono::seconds timeout = std::chrono::seconds(120));

} // namespace acp::stages
