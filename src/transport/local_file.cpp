#include "local_file.hpp"

#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"

#include <cerrno>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace acp::transport::detail {

namespace {

Status change_owner(const std::string& path, const std::string& owner) {
  const auto colon = owner.find(':');
  const std::string user = owner.substr(0, colon);
  const std::string group = colon == std::string::npos ? "" : owner.substr(colon + 1);
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  if (!user.empty()) {
    const passwd* pw = ::getpwnam(user.c_str());
    if (pw == nullptr)
      return Error(Errc::invalid_input, "unknown user \"" + user + "\" for " + path);
    uid = pw->pw_uid;
  }
  if (!group.empty()) {
    const struct group* gr = ::getgrnam(group.c_str());
    if (gr == nullptr)
      return Error(Errc::invalid_input, "unknown group \"" + group + "\" for " + path);
    gid = gr->gr_gid;
  }
  if (::chown(path.c_str(), uid, gid) != 0)
    return Error(Errc::io, util::with_errno("cannot set the owner of " + path + " to " + owner));
  return {};
}

} // namespace

Result<UploadResult> write_verified(std::istream& data, const std::string& path,
                                    const FileSpec& spec, const std::string& host) {
  const std::string tmp = temp_path_for(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return Error(Errc::io, util::with_errno("cannot create " + tmp)).with_host(host);
  auto fail = [&](Error e) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return std::move(e).with_host(host);
  };
  util::Sha256 hash;
  UploadResult result;
  std::vector<char> buffer(1 << 20);
  while (data) {
    data.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(data.gcount());
    hash.update(std::string_view(buffer.data(), n));
    for (std::size_t done = 0; done < n;) {
      const auto w = ::write(fd, buffer.data() + done, n - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return fail(Error(Errc::io, util::with_errno("cannot write " + tmp)));
      done += static_cast<std::size_t>(w);
    }
    result.bytes += n;
  }
  if (data.bad())
    return fail(Error(Errc::io, "cannot read the data to upload to " + path));
  result.sha256 = hash.hex_digest();
  if (::fsync(fd) != 0)
    return fail(Error(Errc::io, util::with_errno("cannot sync " + tmp)));
  ::close(fd);
  auto written = util::sha256_file(tmp);
  if (!written.ok() || *written != result.sha256) {
    ::unlink(tmp.c_str());
    return Error(Errc::verify, "the temporary file " + tmp + " does not have the sha256 written")
        .with_host(host);
  }
  if (auto existing = util::sha256_file(path); existing.ok() && *existing == result.sha256) {
    ::unlink(tmp.c_str());
    result.skipped = true;
    return result;
  }
  auto undo = [&](Error e) {
    ::unlink(tmp.c_str());
    return std::move(e).with_host(host);
  };
  if (::chmod(tmp.c_str(), static_cast<mode_t>(spec.mode)) != 0)
    return undo(Error(Errc::io, util::with_errno("cannot set the mode of " + tmp)));
  if (!spec.owner.empty())
    if (auto st = change_owner(tmp, spec.owner); !st.ok())
      return undo(std::move(st).error());
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return undo(Error(Errc::io, util::with_errno("cannot rename " + tmp + " to " + path)));
  return result;
}

} // namespace acp::transport::detail
