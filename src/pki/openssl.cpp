#include "openssl.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace acp::pki::detail {

Error openssl_error(const std::string& what) {
  const unsigned long code = ERR_get_error();
  std::string detail = "unknown OpenSSL error";
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    detail = buffer;
  }
  ERR_clear_error();
  return Error(Errc::failed, what + ": " + detail);
}

void clear_openssl_errors() {
  ERR_clear_error();
}

BioPtr memory_bio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string{};
}

X509Ptr parse_cert(std::string_view pem) {
  auto bio = memory_bio(pem);
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert)
    clear_openssl_errors();
  return cert;
}

PkeyPtr parse_key(std::string_view pem) {
  auto bio = memory_bio(pem);
  // An empty passphrase callback result: an encrypted key fails instead of prompting.
  static auto no_passphrase = [](char*, int, int, void*) { return 0; };
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!key)
    clear_openssl_errors();
  return key;
}

Result<std::string> cert_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
    return openssl_error("encoding a certificate");
  return bio_text(bio.get());
}

Result<std::string> key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return openssl_error("encoding a private key");
  return bio_text(bio.get());
}

} // namespace acp::pki::detail
