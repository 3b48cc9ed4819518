// kubeadm init/join output read back as data. kubeadm's wording is recorded in
// tests/unit/kubernetes/fixtures/kubeadm-output/ with its sources; nothing here keeps a token.

#include "acpctl/components/kubernetes/kubeadm_output.hpp"

#include <array>
#include <optional>

namespace acp::kubernetes {

namespace {

constexpr std::string_view k_redacted = "<redacted>";
constexpr std::string_view k_init_done =
    "Your Kubernetes control-plane has initialized successfully!";
constexpr std::string_view k_joined = "This node has joined the cluster";
constexpr std::string_view k_joined_control_plane =
    "This node has joined the cluster and a new control plane instance was created";
constexpr std::string_view k_phase_marker = "error execution phase ";
// The flags whose value kubeadm takes as a secret.
constexpr std::array<std::string_view, 4> k_secret_flags{
    "--token", "--discovery-token", "--tls-bootstrap-token", "--certificate-key"};

bool blank(char c) {
  return c == ' ' || c == '\t';
}

bool token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Whether a bootstrap-token-shaped run ([a-z0-9]{6}\.[a-z0-9]{16}) starts at text[at].
bool token_at(std::string_view text, std::size_t at) {
  constexpr std::size_t k_length = 23;
  if (at + k_length > text.size() || text[at + 6] != '.')
    return false;
  for (std::size_t i = 0; i < k_length; ++i)
    if (i != 6 && !token_char(text[at + i]))
      return false;
  return true;
}

bool is_token(std::string_view text) {
  return text.size() == 23 && token_at(text, 0);
}

// The secret flag (with its separator) that starts at text[at], or an empty view.
std::string_view secret_flag_at(std::string_view text, std::size_t at) {
  for (const auto flag : k_secret_flags) {
    const auto end = at + flag.size();
    if (text.substr(at, flag.size()) == flag && end < text.size() &&
        (blank(text[end]) || text[end] == '='))
      return text.substr(at, flag.size() + 1);
  }
  return {};
}

// `text` with the value of every secret flag replaced.
std::string redact_flags(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto flag = secret_flag_at(text, i);
    if (flag.empty()) {
      out += text[i++];
      continue;
    }
    out += flag;
    i += flag.size();
    while (i < text.size() && blank(text[i]))
      out += text[i++];
    const auto start = i;
    while (i < text.size() && !blank(text[i]) && text[i] != '\n' && text[i] != '\r')
      ++i;
    if (i > start)
      out += k_redacted;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (blank(s.front()) || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (blank(s.back()) || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto end = text.find('\n');
    out.push_back(text.substr(0, end));
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (blank(text[i]) || text[i] == '\n' || text[i] == '\r'))
      ++i;
    const auto start = i;
    while (i < text.size() && !blank(text[i]) && text[i] != '\n' && text[i] != '\r')
      ++i;
    if (i > start)
      out.push_back(text.substr(start, i - start));
  }
  return out;
}

// The failed phase and the rest of its line, from the last "error execution phase" line.
struct PhaseLine {
  std::string phase{};
  std::string rest{};
};

PhaseLine failed_phase_line(std::string_view text) {
  PhaseLine out;
  for (const auto line : lines_of(text)) {
    const auto at = line.find(k_phase_marker);
    if (at == std::string_view::npos)
      continue;
    auto tail = line.substr(at + k_phase_marker.size());
    const auto colon = tail.find(':');
    out.phase = std::string(trim(tail.substr(0, colon)));
    out.rest = colon == std::string_view::npos ? std::string{}
                                               : redact_tokens(trim(tail.substr(colon + 1)));
  }
  return out;
}

bool is_ca_hash(std::string_view s) {
  constexpr std::string_view k_prefix = "sha256:";
  if (!s.starts_with(k_prefix) || s.size() != k_prefix.size() + 64)
    return false;
  for (const char c : s.substr(k_prefix.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

// The value of "--flag value" or "--flag=value" at words[i] (advancing i), or nullopt.
std::optional<std::string_view> flag_value(const std::vector<std::string_view>& words,
                                           std::size_t& i, std::string_view flag) {
  const auto w = words[i];
  if (w.size() > flag.size() && w.starts_with(flag) && w[flag.size()] == '=')
    return w.substr(flag.size() + 1);
  if (w != flag)
    return std::nullopt;
  if (i + 1 < words.size() && words[i + 1] != "\\")
    return words[++i];
  return std::string_view{};
}

// Reads one printed `kubeadm join ...` command (continuation lines joined) into `out`.
void read_join_command(std::string_view command, InitOutcome& out) {
  const auto words = words_of(command);
  bool endpoint_seen = false;
  for (std::size_t i = 2; i < words.size(); ++i) {
    if (const auto token = flag_value(words, i, "--token")) {
      out.token_printed = out.token_printed || is_token(*token);
    } else if (const auto hash = flag_value(words, i, "--discovery-token-ca-cert-hash")) {
      if (out.ca_cert_hash.empty() && is_ca_hash(*hash))
        out.ca_cert_hash = std::string(*hash);
    } else if (const auto key = flag_value(words, i, "--certificate-key")) {
      // skipped: a secret, and not acpctl's to keep
    } else if (words[i] == "--control-plane") {
      out.control_plane_join = true;
    } else if (!words[i].starts_with("-") && words[i] != "\\" && !endpoint_seen) {
      endpoint_seen = true;
      if (out.join_endpoint.empty() && words[i].find('<') == std::string_view::npos)
        out.join_endpoint = std::string(words[i]);
    }
  }
}

void read_join_commands(std::string_view stdout_text, InitOutcome& out) {
  const auto lines = lines_of(stdout_text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!trim(lines[i]).starts_with("kubeadm join"))
      continue;
    std::string command(trim(lines[i]));
    while (command.ends_with('\\') && i + 1 < lines.size())
      command += " " + std::string(trim(lines[++i]));
    read_join_command(command, out);
  }
}

} // namespace

std::string redact_tokens(std::string_view text) {
  const auto flags_done = redact_flags(text);
  const std::string_view in = flags_done;
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    if (token_at(in, i)) {
      out += k_redacted;
      i += 23;
    } else {
      out += in[i++];
    }
  }
  return out;
}

std::vector<PreflightError> parse_preflight_errors(std::string_view stderr_text) {
  constexpr std::string_view k_open = "[ERROR ";
  std::vector<PreflightError> out;
  for (const auto raw : lines_of(stderr_text)) {
    const auto line = trim(raw);
    const auto close = line.find("]:");
    if (!line.starts_with(k_open) || close == std::string_view::npos)
      continue;
    out.push_back({redact_tokens(line.substr(k_open.size(), close - k_open.size())),
                   redact_tokens(trim(line.substr(close + 2)))});
  }
  return out;
}

std::string parse_failed_phase(std::string_view stderr_text) {
  return failed_phase_line(stderr_text).phase;
}

InitOutcome parse_init_output(std::string_view stdout_text, std::string_view stderr_text) {
  InitOutcome out;
  out.succeeded = stdout_text.find(k_init_done) != std::string_view::npos;
  read_join_commands(stdout_text, out);
  auto phase = failed_phase_line(stderr_text);
  out.failed_phase = std::move(phase.phase);
  out.failure = std::move(phase.rest);
  out.errors = parse_preflight_errors(stderr_text);
  return out;
}

JoinOutcome parse_join_output(std::string_view stdout_text, std::string_view stderr_text) {
  JoinOutcome out;
  if (stdout_text.find(k_joined_control_plane) != std::string_view::npos)
    out.kind = JoinKind::control_plane;
  else if (stdout_text.find(k_joined) != std::string_view::npos)
    out.kind = JoinKind::worker;
  out.succeeded = out.kind != JoinKind::none;
  auto phase = failed_phase_line(stderr_text);
  out.failed_phase = std::move(phase.phase);
  out.failure = std::move(phase.rest);
  out.errors = parse_preflight_errors(stderr_text);
  return out;
}

} // namespace acp::kubernetes
