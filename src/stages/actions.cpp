// Actions: every change to a node passes here; a dry run logs instead of acting.

#include "acpctl/stages/actions.hpp"

#include "acpctl/util/log.hpp"
#include "acpctl/util/shell.hpp"
#include "acpctl/util/strings.hpp"

#include <fmt/format.h>
#include <sstream>

namespace acp::stages {

Result<transport::CommandResult> query(transport::Transport& node,
                                       const std::vector<std::string>& argv,
                                       std::chrono::seconds timeout) {
  transport::Command command;
  command.argv = argv;
  command.sudo = true;
  command.timeout = timeout;
  auto result = node.run(command);
  if (!result)
    return Error(std::move(result).error()).with_host(node.host());
  return result;
}

Result<transport::CommandResult> Actions::run(const std::vector<std::string>& argv) {
  if (m_dry) {
    log::write(log::Level::info, m_node.host(), "would run: " + util::shell_join(argv));
    return transport::CommandResult{};
  }
  auto result = query(m_node, argv);
  if (result && !result->ok())
    return Error(Errc::remote,
                 fmt::format("`{}` exited with {}: {}", util::shell_join(argv), result->exit_code,
                             util::trim(result->err.empty() ? result->out : result->err)))
        .with_host(m_node.host());
  return result;
}

Status Actions::remove_tree(const std::vector<std::string>& paths, std::string_view owned_root) {
  if (paths.empty())
    return {};
  const auto what = util::join(paths, " ");
  if (m_dry) {
    log::write(log::Level::info, m_node.host(),
               fmt::format("would remove {} (only below {})", what, owned_root));
    return {};
  }
  auto result = query(m_node, util::remove_tree_argv(owned_root, paths));
  if (!result)
    return std::move(result).error();
  if (!result->ok())
    // The script's own message names the path, where it resolves to, and the root.
    return Error(Errc::remote,
                 fmt::format("removing {} failed (exit {}): {}", what, result->exit_code,
                             util::trim(result->err.empty() ? result->out : result->err)))
        .with_host(m_node.host())
        .with_hint(fmt::format("acpctl removes only what resolves below {}; check what the path "
                               "points to on the node",
                               owned_root));
  return {};
}

Result<transport::UploadResult> Actions::upload_file(const std::filesystem::path& local,
                                                     const std::string& remote, unsigned mode) {
  if (m_dry) {
    log::write(log::Level::info, m_node.host(), "would upload " + remote);
    return transport::UploadResult{};
  }
  auto result = m_node.upload_file(local, remote, {mode, "", true});
  if (!result)
    return Error(std::move(result).error()).with_host(m_node.host());
  if (!result->skipped)
    ++m_sent;
  return result;
}

Result<transport::UploadResult> Actions::upload_text(const std::string& content,
                                                     const std::string& remote, unsigned mode) {
  if (m_dry) {
    log::write(log::Level::info, m_node.host(), "would write " + remote);
    return transport::UploadResult{};
  }
  std::istringstream in(content);
  auto result = m_node.upload(in, remote, {mode, "", true});
  if (!result)
    return Error(std::move(result).error()).with_host(m_node.host());
  if (!result->skipped)
    ++m_sent;
  return result;
}

Status Actions::upload_texts(const std::vector<service::FileToWrite>& files) {
  if (m_dry) {
    for (const auto& f : files)
      log::write(log::Level::info, m_node.host(), "would write " + f.path);
    return {};
  }
  std::vector<transport::TextFile> texts;
  for (const auto& f : files)
    texts.push_back({f.content, f.path, {static_cast<unsigned>(f.mode), "", true}});
  auto results = m_node.upload_texts(texts);
  if (!results)
    return Error(std::move(results).error()).with_host(m_node.host());
  for (const auto& r : *results)
    if (!r.skipped)
      ++m_sent;
  return {};
}

} // namespace acp::stages
