// Ed25519 with OpenSSL's one-shot EVP_DigestSign/Verify (Ed25519 signs the message itself).

#include "acpctl/package/sign.hpp"

#include "acpctl/util/fs.hpp"

#include <fmt/format.h>
#include <memory>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace acp::package {

namespace fs = std::filesystem;

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

std::string openssl_error() {
  const auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

Result<Pkey> load_key(const fs::path& path, bool is_private) {
  auto pem = util::read_file(path, util::k_max_secret_bytes);
  if (!pem)
    return std::move(pem).error();
  Bio bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  Pkey key(is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                      : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
    return Error(Errc::invalid_input, fmt::format("{} is not an Ed25519 {} key in PEM",
                                                  path.string(), is_private ? "private" : "public"))
        .with_hint("make a key pair with `acpctl package keygen`");
  return key;
}

std::string to_pem(EVP_PKEY* key, bool is_private) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (is_private)
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  else
    PEM_write_bio_PUBKEY(bio.get(), key);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

} // namespace

Status generate_key_pair(const fs::path& prefix) {
  const auto private_path = fs::path(prefix.string() + ".key");
  const auto public_path = fs::path(prefix.string() + ".pub");
  for (const auto& p : {private_path, public_path})
    if (std::error_code ec; fs::exists(p, ec))
      return Error(Errc::conflict,
                   fmt::format("{} exists; acpctl does not overwrite keys", p.string()))
          .with_hint("choose another prefix or remove the old key pair first");
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1)
    return Error(Errc::failed, "cannot generate an Ed25519 key: " + openssl_error());
  Pkey key(raw);
  if (auto s = util::write_file_atomic(private_path, to_pem(key.get(), true), fs::perms(0600)); !s)
    return s;
  return util::write_file_atomic(public_path, to_pem(key.get(), false), fs::perms(0644));
}

Result<std::string> sign(std::string_view message, const fs::path& private_key_pem) {
  auto key = load_key(private_key_pem, true);
  if (!key)
    return std::move(key).error();
  std::unique_ptr<EVP_MD_CTX, MdFree> md(EVP_MD_CTX_new());
  std::string signature(64, '\0');
  std::size_t length = signature.size();
  if (!md || EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, key->get()) != 1 ||
      EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
    return Error(Errc::failed, "cannot sign: " + openssl_error());
  signature.resize(length);
  return signature;
}

Status verify_signature(std::string_view message, std::string_view signature,
                        const fs::path& public_key_pem) {
  auto key = load_key(public_key_pem, false);
  if (!key)
    return std::move(key).error();
  std::unique_ptr<EVP_MD_CTX, MdFree> md(EVP_MD_CTX_new());
  const bool ok =
      md && EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, key->get()) == 1 &&
      EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  ERR_clear_error();
  if (!ok)
    return Error(Errc::verify, fmt::format("the signature does not match the public key {}",
                                           public_key_pem.string()))
        .with_hint("the package was changed after signing, or signed with another key");
  return {};
}

Result<std::string> key_fingerprint(const fs::path& public_key_pem) {
  auto key = load_key(public_key_pem, false);
  if (!key)
    return std::move(key).error();
  unsigned char raw[32];
  std::size_t length = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key->get(), raw, &length) != 1)
    return Error(Errc::invalid_input, fmt::format("{}: cannot read the public key: {}",
                                                  public_key_pem.string(), openssl_error()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  EVP_Digest(raw, length, digest, &digest_length, EVP_sha256(), nullptr);
  std::string b64(4 * ((digest_length + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), digest,
                                static_cast<int>(digest_length));
  b64.resize(static_cast<std::size_t>(n));
  while (!b64.empty() && b64.back() == '=')
    b64.pop_back();
  return "SHA256:" + b64;
}

} // namespace acp::package
