#include "file_region.hpp"

#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/strings.hpp"

#include <array>
#include <memory>
#include <openssl/evp.h>
#include <unistd.h>
#include <vector>

namespace acp::s3::detail {

Result<RegionDigest> digest_region(int fd, std::uint64_t offset, std::uint64_t length,
                                   const std::filesystem::path& path) {
  struct FreeMd {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, FreeMd> md5(EVP_MD_CTX_new());
  if (!md5 || EVP_DigestInit_ex(md5.get(), EVP_md5(), nullptr) != 1)
    return Error(Errc::failed, "OpenSSL could not initialise MD5");
  util::Sha256 sha;
  std::vector<unsigned char> buffer(std::size_t{1} << 20);
  for (std::uint64_t done = 0; done < length;) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length - done));
    const ssize_t got = pread(fd, buffer.data(), want, static_cast<off_t>(offset + done));
    if (got <= 0)
      return Error(Errc::io, got == 0 ? path.string() + ": the file became shorter while uploading"
                                      : util::with_errno("cannot read " + path.string()));
    const std::span<const unsigned char> bytes(buffer.data(), static_cast<std::size_t>(got));
    sha.update(bytes);
    EVP_DigestUpdate(md5.get(), bytes.data(), bytes.size());
    done += static_cast<std::uint64_t>(got);
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> raw{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(md5.get(), raw.data(), &size);
  return RegionDigest{sha.hex_digest(), util::to_hex(std::span(raw.data(), size))};
}

} // namespace acp::s3::detail
