// known_hosts: our own reader rather than libssh2's, because a refused key must name the
// line of the file that holds the old key, which libssh2's API does not tell.

#include "known_hosts.hpp"

#include "acpctl/util/fs.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <mutex>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sstream>
#include <unistd.h>

namespace acp::transport::detail {

namespace {

std::string host_key_name(const std::string& address, int port) {
  return port == 22 ? address : fmt::format("[{}]:{}", address, port);
}

bool hashed_matches(const std::string& field, const std::string& name) {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  const auto parts = util::split(field, '|');
  if (parts.size() != 4 || parts[1] != "1")
    return false;
  const std::string salt = base64_decode(parts[2]);
  const std::string want = base64_decode(parts[3]);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (salt.empty() || HMAC(EVP_sha1(), salt.data(), static_cast<int>(salt.size()),
                           reinterpret_cast<const unsigned char*>(name.data()), name.size(), mac,
                           &mac_len) == nullptr)
    return false;
  return want == std::string(reinterpret_cast<const char*>(mac), mac_len);
}

// OpenSSH patterns know only * and ?; brackets are literal (they frame "[host]:port").
bool wildcard_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty())
    return text.empty();
  if (pattern.front() == '*')
    return wildcard_match(pattern.substr(1), text) ||
           (!text.empty() && wildcard_match(pattern, text.substr(1)));
  if (text.empty())
    return false;
  const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(pattern.front())));
  const char t = static_cast<char>(std::tolower(static_cast<unsigned char>(text.front())));
  return (pattern.front() == '?' || p == t) && wildcard_match(pattern.substr(1), text.substr(1));
}

std::mutex& file_mutex() {
  static std::mutex m;
  return m;
}

} // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return {};
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0)
    return {};
  std::size_t pad = 0;
  while (pad < 2 && text[text.size() - 1 - pad] == '=')
    ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string fingerprint(const std::string& key_blob) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(key_blob.data(), key_blob.size(), md, &len, EVP_sha256(), nullptr);
  std::string b64 = base64_encode(std::string_view(reinterpret_cast<const char*>(md), len));
  while (!b64.empty() && b64.back() == '=')
    b64.pop_back();
  return "SHA256:" + b64;
}

bool host_field_matches(const std::string& field, const std::string& address, int port) {
  const std::string name = host_key_name(address, port);
  if (field.starts_with("|"))
    return hashed_matches(field, name);
  bool matched = false;
  for (const auto& pattern : util::split(field, ',')) {
    const bool negated = pattern.starts_with("!");
    const std::string p = negated ? pattern.substr(1) : pattern;
    if (wildcard_match(p, name)) {
      if (negated)
        return false;
      matched = true;
    }
  }
  return matched;
}

Result<KnownHosts> KnownHosts::load(const std::filesystem::path& path) {
  KnownHosts known;
  known.m_path = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return known;
  auto text = util::read_file(path);
  if (!text.ok())
    return std::move(text).error();
  std::istringstream in(*text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    std::istringstream words(line);
    std::string hosts, type, key;
    if (!(words >> hosts) || hosts.starts_with("#") || hosts.starts_with("@"))
      continue; // comments, blank lines, @cert-authority and @revoked markers
    if (!(words >> type >> key))
      continue;
    known.m_entries.push_back(KnownHostEntry{number, hosts, type, key});
  }
  return known;
}

KnownHosts::Verdict KnownHosts::check(const std::string& address, int port,
                                      const std::string& key_type,
                                      const std::string& key_blob) const {
  const std::string offered = base64_encode(key_blob);
  Verdict verdict;
  for (const auto& e : m_entries) {
    if (!host_field_matches(e.hosts, address, port))
      continue;
    if (e.key_base64 == offered)
      return Verdict{Verdict::match, &e};
    // A recorded key of the offered type, or of another type when the server offers a type
    // we never saw for it: both mean the host is not the one we know.
    if (verdict.known == nullptr || e.key_type == key_type)
      verdict = Verdict{Verdict::changed, &e};
  }
  return verdict;
}

std::vector<std::string> KnownHosts::known_types(const std::string& address, int port) const {
  std::vector<std::string> types;
  for (const auto& e : m_entries)
    if (host_field_matches(e.hosts, address, port) &&
        std::find(types.begin(), types.end(), e.key_type) == types.end())
      types.push_back(e.key_type);
  return types;
}

Status KnownHosts::add(const std::string& address, int port, const std::string& key_type,
                       const std::string& key_blob) {
  std::lock_guard lock(file_mutex());
  std::error_code ec;
  if (m_path.has_parent_path() && !std::filesystem::exists(m_path.parent_path(), ec)) {
    std::filesystem::create_directories(m_path.parent_path(), ec);
    std::filesystem::permissions(m_path.parent_path(), std::filesystem::perms::owner_all, ec);
  }
  const std::string line =
      fmt::format("{} {} {}\n", host_key_name(address, port), key_type, base64_encode(key_blob));
  const int fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return Error(Errc::io,
                 util::with_errno("cannot open " + m_path.string() + " to record a host key"));
  // A file whose last line lacks a newline would get our entry glued to it.
  std::string prefix;
  if (const auto size = std::filesystem::file_size(m_path, ec); !ec && size > 0) {
    std::ifstream tail(m_path, std::ios::binary);
    tail.seekg(static_cast<std::streamoff>(size - 1));
    if (tail.get() != '\n')
      prefix = "\n";
  }
  const std::string text = prefix + line;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok)
    return Error(Errc::io, util::with_errno("cannot write " + m_path.string()));
  int number = 0;
  if (auto all = util::read_file(m_path); all.ok())
    number = static_cast<int>(std::count(all->begin(), all->end(), '\n'));
  m_entries.push_back(
      KnownHostEntry{number, host_key_name(address, port), key_type, base64_encode(key_blob)});
  return {};
}

Status verify_host_key(KnownHosts& known, config::HostKeyPolicy policy, const std::string& name,
                       const std::string& address, int port, const std::string& key_type,
                       const std::string& key_blob) {
  const std::string who = name == address ? address : fmt::format("{} ({})", name, address);
  if (policy == config::HostKeyPolicy::off) {
    log::write(log::Level::warn, name,
               fmt::format("HOST KEY NOT CHECKED (hostKeyPolicy: off): accepting {} key {} for "
                           "{} without verification; anyone on the path can impersonate it",
                           key_type, fingerprint(key_blob), who));
    return {};
  }
  const auto verdict = known.check(address, port, key_type, key_blob);
  if (verdict.kind == KnownHosts::Verdict::match)
    return {};
  const std::string file = known.path().string();
  if (verdict.kind == KnownHosts::Verdict::changed) {
    const auto& old = *verdict.known;
    const std::string entry = host_key_name(address, port);
    return Error(Errc::auth,
                 fmt::format("host key for {} has changed: known {} {}, offered {} {}", who,
                             old.key_type, fingerprint(base64_decode(old.key_base64)), key_type,
                             fingerprint(key_blob)))
        .with_host(name)
        .with_hint(fmt::format("if the host was reinstalled, remove line {} of {} (ssh-keygen -R "
                               "'{}' -f {}); otherwise someone may be intercepting the connection",
                               old.line, file, entry, file));
  }
  if (policy == config::HostKeyPolicy::accept_new) {
    if (auto st = known.add(address, port, key_type, key_blob); !st.ok())
      return std::move(st).error().with_host(name);
    log::write(
        log::Level::info, name,
        fmt::format("recorded new host key {} {} in {}", key_type, fingerprint(key_blob), file));
    return {};
  }
  return Error(Errc::auth, fmt::format("host key for {} is not known: offered {} {}, not in {}",
                                       who, key_type, fingerprint(key_blob), file))
      .with_host(name)
      .with_hint(fmt::format("check the fingerprint on the host (ssh-keygen -lf "
                             "/etc/ssh/ssh_host_*_key.pub), then add it with `ssh-keyscan -p {} "
                             "{} >> {}`, or set spec.ssh.hostKeyPolicy: accept-new",
                             port, address, file));
}

} // namespace acp::transport::detail
