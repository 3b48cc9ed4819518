// Private keys: ECDSA P-256 (fast to generate, accepted by etcd and Kubernetes alike).

#include "openssl.hpp"
#include "x509.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>

namespace acp::pki::detail {

Result<std::string> generate_key() {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") != 1)
    return openssl_error("preparing to generate an EC key");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1)
    return openssl_error("generating an EC key");
  PkeyPtr key(raw);
  return key_pem(key.get());
}

Result<std::string> public_key_pem(std::string_view key_pem) {
  auto key = parse_key(key_pem);
  if (!key)
    return Error(Errc::invalid_input, "not a PEM private key");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1)
    return openssl_error("encoding a public key");
  return bio_text(bio.get());
}

bool is_key(std::string_view key_pem) {
  return parse_key(key_pem) != nullptr;
}

bool key_matches(std::string_view cert_pem, std::string_view key_pem) {
  auto cert = parse_cert(cert_pem);
  auto key = parse_key(key_pem);
  if (!cert || !key)
    return false;
  const bool match = X509_check_private_key(cert.get(), key.get()) == 1;
  clear_openssl_errors();
  return match;
}

} // namespace acp::pki::detail
