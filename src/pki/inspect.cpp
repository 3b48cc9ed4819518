// Reading certificates back: subject, SANs, validity, usage, and who signed them.

#include "acpctl/util/ipaddr.hpp"
#include "openssl.hpp"
#include "x509.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <openssl/crypto.h>

namespace acp::pki::detail {

namespace {

std::string name_entry(X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0)
    return {};
  unsigned char* utf8 = nullptr;
  const int size =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
  if (size < 0) {
    clear_openssl_errors();
    return {};
  }
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(size));
  OPENSSL_free(utf8);
  return out;
}

std::vector<std::string> sans_of(X509* cert) {
  std::vector<std::string> out;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names)
    return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    int type = 0;
    const auto* value = static_cast<const ASN1_STRING*>(GENERAL_NAME_get0_value(name, &type));
    const auto* data = ASN1_STRING_get0_data(value);
    const auto size = static_cast<std::size_t>(ASN1_STRING_length(value));
    if (type == GEN_DNS) {
      out.push_back("DNS:" + std::string(reinterpret_cast<const char*>(data), size));
    } else if (type == GEN_IPADD && (size == 4 || size == 16)) {
      util::IpAddress ip;
      ip.v6 = size == 16;
      std::memcpy(ip.bytes.data(), data, size);
      out.push_back("IP:" + ip.to_string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Clock::time_point time_of(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) {
    clear_openssl_errors();
    return Clock::time_point{};
  }
  return Clock::from_time_t(timegm(&tm));
}

} // namespace

Result<CertFacts> inspect(std::string_view pem) {
  auto cert = parse_cert(pem);
  if (!cert)
    return Error(Errc::invalid_input, "not a PEM certificate");
  CertFacts facts;
  X509_NAME* subject = X509_get_subject_name(cert.get());
  facts.cn = name_entry(subject, NID_commonName);
  facts.org = name_entry(subject, NID_organizationName);
  facts.sans = sans_of(cert.get());
  facts.not_before = time_of(X509_get0_notBefore(cert.get()));
  facts.not_after = time_of(X509_get0_notAfter(cert.get()));
  facts.is_ca = X509_check_ca(cert.get()) != 0;
  if ((X509_get_extension_flags(cert.get()) & EXFLAG_XKUSAGE) != 0) {
    const auto eku = X509_get_extended_key_usage(cert.get());
    facts.server_auth = (eku & XKU_SSL_SERVER) != 0;
    facts.client_auth = (eku & XKU_SSL_CLIENT) != 0;
  }
  return facts;
}

bool signed_by(std::string_view cert_pem, std::string_view ca_pem) {
  auto cert = parse_cert(cert_pem);
  auto ca = parse_cert(ca_pem);
  if (!cert || !ca)
    return false;
  const bool ok = X509_check_issued(ca.get(), cert.get()) == X509_V_OK &&
                  X509_verify(cert.get(), X509_get0_pubkey(ca.get())) == 1;
  clear_openssl_errors();
  return ok;
}

std::string dns_san(const std::string& name) {
  return "DNS:" + name;
}

std::string ip_san(const std::string& address) {
  const auto ip = util::IpAddress::parse(address);
  return ip ? "IP:" + ip->to_string() : std::string{};
}

std::string_view to_string(Usage usage) {
  switch (usage) {
  case Usage::ca:
    return "CA";
  case Usage::server:
    return "server";
  case Usage::peer:
    return "peer";
  case Usage::client:
    return "client";
  }
  return "?";
}

} // namespace acp::pki::detail
