#include "acpctl/util/hash.hpp"

#include "acpctl/util/fs.hpp"
#include "acpctl/util/strings.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <openssl/evp.h>
#include <stdexcept>
#include <vector>

namespace acp::util {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {
  m_impl->ctx = EVP_MD_CTX_new();
  if (m_impl->ctx == nullptr || EVP_DigestInit_ex(m_impl->ctx, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL could not initialise SHA-256");
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const unsigned char> bytes) {
  EVP_DigestUpdate(m_impl->ctx, bytes.data(), bytes.size());
}

void Sha256::update(std::string_view bytes) {
  EVP_DigestUpdate(m_impl->ctx, bytes.data(), bytes.size());
}

std::array<unsigned char, 32> Sha256::digest() {
  std::array<unsigned char, 32> out{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_impl->ctx, out.data(), &length);
  return out;
}

std::string Sha256::hex_digest() {
  const auto raw = digest();
  return to_hex(raw);
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.hex_digest();
}

Result<std::string> sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error(Errc::io, with_errno("cannot open " + path.string()));
  Sha256 hash;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad())
    return Error(Errc::io, "cannot read " + path.string());
  return hash.hex_digest();
}

} // namespace acp::util
