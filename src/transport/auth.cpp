// Authentication: an explicit key file, else ssh-agent and the usual key files, and a
// password when one is configured. A refusal is final (Errc::auth) and is never retried;
// the message lists what was tried so the user knows which credential to fix.

#include "acpctl/util/fs.hpp"
#include "acpctl/util/strings.hpp"
#include "ssh_session.hpp"

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <memory>

namespace acp::transport::detail {

namespace {

std::string session_error(LIBSSH2_SESSION* session) {
  char* message = nullptr;
  libssh2_session_last_error(session, &message, nullptr, 0);
  return message != nullptr ? message : "refused";
}

bool is_rsa_key(const std::string& path) {
  auto pub = util::read_file(path + ".pub");
  if (pub.ok())
    return pub->starts_with("ssh-rsa ");
  auto key = util::read_file(path);
  return key.ok() && key->find("BEGIN RSA PRIVATE KEY") != std::string::npos;
}

bool try_key_file(LIBSSH2_SESSION* session, const Endpoint& t, const std::string& path,
                  std::vector<std::string>& tried) {
  const auto& c = t.credentials;
  const int rc = libssh2_userauth_publickey_fromfile_ex(
      session, c.user.c_str(), static_cast<unsigned>(c.user.size()), nullptr, path.c_str(),
      c.key_passphrase.empty() ? nullptr : c.key_passphrase.c_str());
  if (rc == 0)
    return true;
  std::string why = rc == LIBSSH2_ERROR_FILE ? "cannot read or decrypt the key (wrong passphrase?)"
                    : rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED  ? "refused by the server"
                    : rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED ? "refused by the server"
                                                                : session_error(session);
  // libssh2 1.10 signs with RSA/SHA-1 ("ssh-rsa"), which OpenSSH 8.8 and later refuse.
  if (rc != LIBSSH2_ERROR_FILE && is_rsa_key(path))
    why += " (libssh2 1.10 signs RSA keys with SHA-1, which OpenSSH 8.8+ refuses by default: use "
           "an ed25519 or ecdsa key)";
  tried.push_back(fmt::format("key {}: {}", path, why));
  return false;
}

bool try_agent(LIBSSH2_SESSION* session, const std::string& user, std::vector<std::string>& tried) {
  const char* sock = std::getenv("SSH_AUTH_SOCK");
  if (sock == nullptr || *sock == '\0')
    return false;
  std::unique_ptr<LIBSSH2_AGENT, decltype(&libssh2_agent_free)> agent(libssh2_agent_init(session),
                                                                      libssh2_agent_free);
  if (!agent || libssh2_agent_connect(agent.get()) != 0) {
    tried.push_back("ssh-agent: cannot connect to " + std::string(sock));
    return false;
  }
  bool ok = false;
  int identities = 0;
  if (libssh2_agent_list_identities(agent.get()) == 0) {
    libssh2_agent_publickey* identity = nullptr;
    while (!ok && libssh2_agent_get_identity(agent.get(), &identity, identity) == 0) {
      ++identities;
      ok = libssh2_agent_userauth(agent.get(), user.c_str(), identity) == 0;
    }
  }
  libssh2_agent_disconnect(agent.get());
  if (!ok)
    tried.push_back(fmt::format("ssh-agent: {} identities, none accepted", identities));
  return ok;
}

} // namespace

Status authenticate(LIBSSH2_SESSION* session, const Endpoint& t) {
  const auto& c = t.credentials;
  const char* list =
      libssh2_userauth_list(session, c.user.c_str(), static_cast<unsigned>(c.user.size()));
  if (list == nullptr) {
    if (libssh2_userauth_authenticated(session))
      return {};
    return Error(Errc::connect, "the server closed the connection before authentication: " +
                                    session_error(session));
  }
  const std::string methods = list;
  const bool publickey = methods.find("publickey") != std::string::npos;
  std::vector<std::string> tried;
  if (publickey) {
    if (!c.key_path.empty()) {
      if (try_key_file(session, t, util::expand_home(c.key_path).string(), tried))
        return {};
    } else {
      if (try_agent(session, c.user, tried))
        return {};
      for (const char* name : {"~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa"}) {
        const auto path = util::expand_home(name);
        std::error_code ec;
        if (std::filesystem::exists(path, ec) && try_key_file(session, t, path.string(), tried))
          return {};
      }
    }
  }
  if (!c.password.empty()) {
    if (methods.find("password") != std::string::npos) {
      if (libssh2_userauth_password_ex(session, c.user.c_str(),
                                       static_cast<unsigned>(c.user.size()), c.password.c_str(),
                                       static_cast<unsigned>(c.password.size()), nullptr) == 0)
        return {};
      tried.emplace_back("password: refused");
    } else {
      tried.emplace_back("password: the server does not accept password authentication");
    }
  }
  if (tried.empty())
    tried.emplace_back("no key, agent identity or password available");
  return Error(Errc::auth, fmt::format("authentication as {} on {}:{} failed (server accepts: {}; "
                                       "tried: {})",
                                       c.user, t.address, t.port, methods, util::join(tried, "; ")))
      .with_hint(fmt::format("put the public key in ~{}/.ssh/authorized_keys on the host, or set "
                             "spec.ssh.keyPath / the node's keyPath or password",
                             c.user));
}

} // namespace acp::transport::detail
