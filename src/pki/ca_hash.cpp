// The CA public key pin kubeadm's discovery checks (--discovery-token-ca-cert-hash).

#include "acpctl/pki/pki.hpp"
#include "acpctl/util/hash.hpp"
#include "openssl.hpp"

namespace acp::pki {

Result<std::string> ca_cert_hash(std::string_view ca_pem) {
  const auto cert = detail::parse_cert(ca_pem);
  if (!cert)
    return Error(Errc::invalid_input, "the CA certificate is not a PEM certificate");
  // kubeadm pins the DER SubjectPublicKeyInfo, not the whole certificate.
  unsigned char* der = nullptr;
  const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &der);
  if (size <= 0)
    return detail::openssl_error("encoding the CA's public key");
  const std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return "sha256:" + util::sha256_hex(bytes);
}

} // namespace acp::pki
