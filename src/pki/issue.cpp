// Issuing certificates: X.509 v3 with a random serial, the subject, SANs and the extensions
// each usage needs, signed by the CA (or by itself for the CA).

#include "acpctl/util/ipaddr.hpp"
#include "openssl.hpp"
#include "x509.hpp"

#include <fmt/format.h>
#include <openssl/bn.h>

namespace acp::pki::detail {

namespace {

Status set_subject(X509* cert, const Subject& subject) {
  X509_NAME* name = X509_get_subject_name(cert);
  auto add = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                      0) == 1;
  };
  if ((!subject.org.empty() && !add("O", subject.org)) || !add("CN", subject.cn))
    return openssl_error(fmt::format("setting the subject CN={}", subject.cn));
  return {};
}

Status set_serial_and_validity(X509* cert, const Validity& validity) {
  // 127 random bits: unique without a counter, positive as RFC 5280 wants.
  BignumPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) == nullptr)
    return openssl_error("making a serial number");
  if (ASN1_TIME_set(X509_getm_notBefore(cert), Clock::to_time_t(validity.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert), Clock::to_time_t(validity.not_after)) == nullptr)
    return openssl_error("setting the validity");
  return {};
}

Status add_conf_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return openssl_error(fmt::format("adding the extension {}", value));
  return {};
}

// One GENERAL_NAME for "DNS:name" or "IP:addr".
Result<GeneralNamePtr> general_name(const std::string& san) {
  GeneralNamePtr name(GENERAL_NAME_new());
  if (!name)
    return openssl_error("allocating a subject alternative name");
  if (san.starts_with("DNS:")) {
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    if (text == nullptr ||
        ASN1_STRING_set(text, san.data() + 4, static_cast<int>(san.size() - 4)) != 1) {
      ASN1_IA5STRING_free(text);
      return openssl_error("encoding a DNS name");
    }
    GENERAL_NAME_set0_value(name.get(), GEN_DNS, text);
    return name;
  }
  const auto ip = san.starts_with("IP:") ? util::IpAddress::parse(std::string_view(san).substr(3))
                                         : std::nullopt;
  if (!ip)
    return Error(Errc::invalid_input,
                 fmt::format("\"{}\" is neither DNS:name nor IP:address", san));
  ASN1_OCTET_STRING* octets = ASN1_OCTET_STRING_new();
  if (octets == nullptr || ASN1_OCTET_STRING_set(octets, ip->bytes.data(), ip->v6 ? 16 : 4) != 1) {
    ASN1_OCTET_STRING_free(octets);
    return openssl_error("encoding an IP address");
  }
  GENERAL_NAME_set0_value(name.get(), GEN_IPADD, octets);
  return name;
}

Status add_sans(X509* cert, const std::vector<std::string>& sans) {
  if (sans.empty())
    return {};
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names)
    return openssl_error("allocating the subject alternative names");
  for (const auto& san : sans) {
    auto name = general_name(san);
    if (!name)
      return std::move(name).error();
    if (sk_GENERAL_NAME_push(names.get(), name->get()) <= 0)
      return openssl_error("adding a subject alternative name");
    name->release(); // the stack owns it now
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return openssl_error("adding the subject alternative names");
  return {};
}

Status add_usage(X509* cert, X509V3_CTX* ctx, Usage usage) {
  if (usage == Usage::ca) {
    for (auto [nid, value] :
         {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
          std::pair{NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
          std::pair{NID_subject_key_identifier, "hash"}})
      if (auto s = add_conf_extension(cert, ctx, nid, value); !s)
        return s;
    return {};
  }
  const char* eku = usage == Usage::server ? "serverAuth"
                    : usage == Usage::peer ? "serverAuth,clientAuth"
                                           : "clientAuth";
  for (auto [nid, value] :
       {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
        std::pair{NID_key_usage, "critical,digitalSignature"}, std::pair{NID_ext_key_usage, eku},
        std::pair{NID_subject_key_identifier, "hash"},
        std::pair{NID_authority_key_identifier, "keyid:always"}})
    if (auto s = add_conf_extension(cert, ctx, nid, value); !s)
      return s;
  return {};
}

// Ed25519/Ed448 keys sign without a separate digest; every other key type with SHA-256.
const EVP_MD* digest_for(EVP_PKEY* key) {
  const int id = EVP_PKEY_get_id(key);
  return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448 ? nullptr : EVP_sha256();
}

Result<std::string> build(const CertSpec& spec, EVP_PKEY* subject_key, X509* issuer,
                          EVP_PKEY* issuer_key, const Validity& validity) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1)
    return openssl_error("starting a certificate");
  if (auto s = set_serial_and_validity(cert.get(), validity); !s)
    return std::move(s).error();
  if (auto s = set_subject(cert.get(), spec.subject); !s)
    return std::move(s).error();
  X509* signer = issuer != nullptr ? issuer : cert.get();
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) != 1)
    return openssl_error("setting the issuer");
  X509V3_CTX ctx{};
  X509V3_set_ctx(&ctx, signer, cert.get(), nullptr, nullptr, 0);
  if (auto s = add_usage(cert.get(), &ctx, spec.usage); !s)
    return std::move(s).error();
  if (auto s = add_sans(cert.get(), spec.sans); !s)
    return std::move(s).error();
  if (X509_sign(cert.get(), issuer_key, digest_for(issuer_key)) <= 0)
    return openssl_error(fmt::format("signing the certificate for {}", spec.subject.cn));
  return cert_pem(cert.get());
}

} // namespace

Result<std::string> issue_ca(const Subject& subject, const std::string& key_pem,
                             const Validity& validity) {
  auto key = parse_key(key_pem);
  if (!key)
    return Error(Errc::invalid_input, "the CA key is not a PEM private key");
  return build(CertSpec{subject, {}, Usage::ca}, key.get(), nullptr, key.get(), validity);
}

Result<std::string> issue(const CertSpec& spec, const std::string& key_pem, const KeyPair& ca,
                          const Validity& validity) {
  auto key = parse_key(key_pem);
  auto ca_cert = parse_cert(ca.cert);
  auto ca_key = parse_key(ca.key);
  if (!key || !ca_cert || !ca_key)
    return Error(Errc::invalid_input,
                 "issuing needs a PEM key and the CA's PEM certificate and key");
  return build(spec, key.get(), ca_cert.get(), ca_key.get(), validity);
}

} // namespace acp::pki::detail
