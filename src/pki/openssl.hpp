#pragma once
// Private to pki: move-only owners for OpenSSL handles, and OpenSSL's error queue as an Error.
// OpenSSL never appears in a public header.

#include "acpctl/util/error.hpp"

#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string>
#include <string_view>

namespace acp::pki::detail {

template <auto Free> struct Deleter {
  template <class T> void operator()(T* p) const { Free(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, Deleter<GENERAL_NAME_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;

/// An Errc::failed Error "what: <OpenSSL's last error>", clearing OpenSSL's error queue.
Error openssl_error(const std::string& what);
/// Clears OpenSSL's error queue (after an expected failure such as a parse attempt).
void clear_openssl_errors();

/// A read-only memory BIO over `text` (which must outlive it).
BioPtr memory_bio(std::string_view text);
/// Everything written to a memory BIO.
std::string bio_text(BIO* bio);

/// Parses a PEM certificate / private key; nullptr (errors cleared) if `pem` is not one.
X509Ptr parse_cert(std::string_view pem);
PkeyPtr parse_key(std::string_view pem);
/// PEM encodings; an Error only on OpenSSL failure.
Result<std::string> cert_pem(X509* cert);
Result<std::string> key_pem(EVP_PKEY* key);

} // namespace acp::pki::detail
