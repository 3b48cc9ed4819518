// The recording fake: no I/O, just the command lines a real transport would send.

#include "acpctl/transport/fake.hpp"
#include "acpctl/util/hash.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

namespace acp::transport {

FakeTransport::FakeTransport(std::string host, Wrapping wrapping)
    : m_host(std::move(host)), m_wrapping(wrapping) {}

Result<CommandResult> FakeTransport::run(const Command& command) {
  Wrapping wrapping = m_wrapping;
  wrapping.sudo = wrapping.sudo && command.sudo;
  auto line = command_line(command, wrapping);
  if (!line.ok())
    return Error(std::move(line).error()).with_host(m_host);
  Call call{*line, command, {}};
  call.command.stdin_stream = nullptr;
  call.command.on_line = nullptr;
  if (command.stdin_stream != nullptr)
    call.stdin_data.assign(std::istreambuf_iterator<char>(*command.stdin_stream), {});
  std::lock_guard lock(m_mutex);
  m_calls.push_back(std::move(call));
  const std::vector<std::string>* best = nullptr;
  for (const auto& [prefix, result] : m_responses) {
    const bool matches = prefix.size() <= command.argv.size() &&
                         std::equal(prefix.begin(), prefix.end(), command.argv.begin());
    if (matches && (best == nullptr || prefix.size() > best->size()))
      best = &prefix;
  }
  if (best == nullptr)
    return CommandResult{};
  const auto& answer = m_responses.at(*best);
  if (answer.ok() && command.on_line) {
    std::istringstream out(answer->out);
    for (std::string l; std::getline(out, l);)
      command.on_line(Stream::out, l);
  }
  return answer;
}

Result<UploadResult> FakeTransport::upload(std::istream& data, const std::string& remote_path,
                                           const FileSpec& spec) {
  std::string content(std::istreambuf_iterator<char>(data), {});
  UploadResult result{false, util::sha256_hex(content), content.size()};
  std::lock_guard lock(m_mutex);
  auto it = m_files.find(remote_path);
  if (it != m_files.end() && it->second.content == content) {
    result.skipped = true;
    return result;
  }
  m_files[remote_path] = File{std::move(content), spec};
  return result;
}

Status FakeTransport::download(const std::string& remote_path, const std::filesystem::path& local,
                               bool) {
  std::lock_guard lock(m_mutex);
  auto it = m_files.find(remote_path);
  if (it == m_files.end())
    return Error(Errc::remote, "no such file: " + remote_path).with_host(m_host);
  std::ofstream out(local, std::ios::binary);
  out << it->second.content;
  if (!out)
    return Error(Errc::io, "cannot write " + local.string());
  return {};
}

void FakeTransport::respond(std::vector<std::string> argv_prefix, CommandResult result) {
  std::lock_guard lock(m_mutex);
  m_responses.insert_or_assign(std::move(argv_prefix), Result<CommandResult>(std::move(result)));
}

void FakeTransport::fail(std::vector<std::string> argv_prefix, Error error) {
  std::lock_guard lock(m_mutex);
  m_responses.insert_or_assign(std::move(argv_prefix), Result<CommandResult>(std::move(error)));
}

std::vector<FakeTransport::Call> FakeTransport::calls() const {
  std::lock_guard lock(m_mutex);
  return m_calls;
}

std::map<std::string, FakeTransport::File> FakeTransport::files() const {
  std::lock_guard lock(m_mutex);
  return m_files;
}

void FakeTransport::put_file(const std::string& path, std::string content) {
  std::lock_guard lock(m_mutex);
  m_files[path] = File{std::move(content), {}};
}

} // namespace acp::transport
