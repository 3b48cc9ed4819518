// libcurl behind the HttpBody/HttpSink seam. The callbacks are plain functions over one
// Exchange, so no exception crosses libcurl's C frames.

#include "http_transfer.hpp"

#include "acpctl/util/fs.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fmt/format.h>
#include <unistd.h>

namespace acp::util::detail {

namespace {

constexpr std::size_t k_max_error_body = std::size_t{64} << 10;
constexpr std::size_t k_max_headers = 200;

// What the callbacks share during one transfer.
struct Exchange {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  std::uint64_t sent = 0; ///< body bytes handed to libcurl so far
  HttpAnswer answer;
  std::optional<Error> local_error; ///< a failure of ours that stopped the transfer
};

long status_now(const Exchange& x) {
  long status = 0;
  curl_easy_getinfo(x.curl, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const HttpBody& body = x.request->body;
  const std::uint64_t left = body.size() - std::min(x.sent, body.size());
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size * count, left));
  if (want == 0)
    return 0;
  if (body.fd < 0) {
    std::copy_n(body.text.data() + x.sent, want, buffer);
    x.sent += want;
    return want;
  }
  const std::uint64_t at = body.offset + x.sent;
  const ssize_t got = pread(body.fd, buffer, want, static_cast<off_t>(at));
  if (got <= 0) {
    x.local_error = Error(Errc::io, got == 0 ? std::string("the file to upload became shorter")
                                             : util::with_errno("reading the file to upload"));
    return CURL_READFUNC_ABORT;
  }
  if (body.observe) {
    auto seen = body.observe(at, std::string_view(buffer, static_cast<std::size_t>(got)));
    if (!seen) {
      x.local_error = std::move(seen).error();
      return CURL_READFUNC_ABORT;
    }
  }
  x.sent += static_cast<std::uint64_t>(got);
  return static_cast<std::size_t>(got);
}

// libcurl rewinds the body when it must send it again on the same transfer (a redirect, an
// auth round, a reused connection that turned out closed).
int on_seek(void* user, curl_off_t offset, int origin) {
  auto& x = *static_cast<Exchange*>(user);
  if (origin != SEEK_SET || offset < 0 ||
      static_cast<std::uint64_t>(offset) > x.request->body.size())
    return CURL_SEEKFUNC_FAIL;
  x.sent = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

bool write_all(int fd, const char* data, std::size_t n) {
  for (std::size_t done = 0; done < n;) {
    const ssize_t wrote = write(fd, data + done, n - done);
    if (wrote < 0 && errno == EINTR)
      continue;
    if (wrote <= 0)
      return false;
    done += static_cast<std::size_t>(wrote);
  }
  return true;
}

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  const long status = status_now(x);
  const bool success = status >= 200 && status < 300;
  const HttpSink& sink = x.request->sink;
  if (success && sink.fd >= 0) {
    if (write_all(sink.fd, data, n))
      return n;
    x.local_error = Error(Errc::io, util::with_errno("writing the download"));
    return 0;
  }
  const std::size_t cap = success ? sink.max_bytes : k_max_error_body;
  if (x.answer.body.size() + n > cap) {
    if (success) {
      x.local_error = Error(Errc::invalid_input,
                            fmt::format("the answer is larger than the {} bytes expected", cap));
      return 0;
    }
    x.answer.body.append(data, cap - x.answer.body.size());
    return n; // an error body is only read for its error code; the rest is dropped
  }
  x.answer.body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    x.answer.headers.clear(); // a new answer (after "100 Continue")
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || x.answer.headers.size() >= k_max_headers)
    return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  x.answer.headers.emplace_back(std::move(name), std::string(util::trim(line.substr(colon + 1))));
  return n;
}

bool set_method(CURL* curl, const HttpRequest& request) {
  const auto size = static_cast<curl_off_t>(request.body.size());
  const std::string& method = request.method;
  if (method == "GET")
    return curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L) == CURLE_OK;
  if (method == "HEAD")
    return curl_easy_setopt(curl, CURLOPT_NOBODY, 1L) == CURLE_OK;
  if (method == "PUT" || method == "PATCH")
    return curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, size) == CURLE_OK &&
           (method == "PUT" ||
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str()) == CURLE_OK);
  if (method == "POST")
    return curl_easy_setopt(curl, CURLOPT_POST, 1L) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, size) == CURLE_OK;
  return curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str()) == CURLE_OK;
}

// libcurl copies a blob (CURL_BLOB_COPY), so the PEMs need only outlive this call.
bool set_blob(CURL* curl, CURLoption option, std::string_view pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  return curl_easy_setopt(curl, option, &blob) == CURLE_OK;
}

bool set_pem_blobs(CURL* curl, const HttpSettings& settings) {
  bool ok = true;
  if (!settings.ca_pem.empty()) {
    // The given CA is the only trust: no bundle file, no directory of the system's CAs.
    ok = ok && curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr) == CURLE_OK;
    ok = ok && set_blob(curl, CURLOPT_CAINFO_BLOB, settings.ca_pem);
  }
  if (!settings.client_cert_pem.empty()) {
    ok = ok && curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM") == CURLE_OK;
    ok = ok && set_blob(curl, CURLOPT_SSLCERT_BLOB, settings.client_cert_pem);
  }
  if (!settings.client_key_pem.empty()) {
    ok = ok && curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM") == CURLE_OK;
    ok = ok && set_blob(curl, CURLOPT_SSLKEY_BLOB, settings.client_key_pem);
  }
  return ok;
}

bool set_options(CURL* curl, const HttpSettings& settings, Exchange& x, curl_slist* headers,
                 char* error_buffer) {
  const long timeout = std::max<long>(1, static_cast<long>(settings.timeout.count()));
  const long verify = settings.verify_tls ? 1L : 0L;
  bool ok = curl_easy_setopt(curl, CURLOPT_URL, x.request->url.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, timeout) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, timeout) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, verify * 2) == CURLE_OK;
  if (!settings.ca_file.empty() && settings.ca_pem.empty())
    ok = ok && curl_easy_setopt(curl, CURLOPT_CAINFO, settings.ca_file.c_str()) == CURLE_OK;
  ok = ok && set_pem_blobs(curl, settings);
  ok = ok && curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_READDATA, &x) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_SEEKDATA, &x) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_HEADERDATA, &x) == CURLE_OK;
  return ok && set_method(curl, *x.request);
}

TransferFailure classify(CURLcode code) {
  switch (code) {
  case CURLE_OPERATION_TIMEDOUT:
    return TransferFailure::timeout;
  case CURLE_COULDNT_CONNECT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
    return TransferFailure::dropped;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CONNECT_ERROR:
    return TransferFailure::tls;
  default:
    return TransferFailure::other;
  }
}

} // namespace

std::string_view HttpAnswer::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name)
      return value;
  return {};
}

HttpTransfer http_transfer(CurlEasy& easy, const HttpSettings& settings,
                           const HttpRequest& request) {
  // Declared before the transfer that points at them, so they outlive it.
  Exchange x;
  x.request = &request;
  CurlHeaders headers;
  char error_buffer[CURL_ERROR_SIZE] = {};
  bool ok = easy.get() != nullptr;
  if (ok)
    curl_easy_reset(easy.get());
  for (const auto& [name, value] : request.headers)
    ok = ok && headers.append(name + ": " + value);
  x.curl = easy.get();
  HttpTransfer t;
  if (!ok || !set_options(easy.get(), settings, x, headers.get(), error_buffer)) {
    t.failure = TransferFailure::local;
    t.local_error = Error(Errc::failed, "libcurl could not set up the request (out of memory?)");
    return t;
  }
  if (request.sink.fd >= 0 &&
      (ftruncate(request.sink.fd, 0) != 0 || lseek(request.sink.fd, 0, SEEK_SET) != 0)) {
    t.failure = TransferFailure::local;
    t.local_error = Error(Errc::io, util::with_errno("emptying the download's temp file"));
    return t;
  }
  const CURLcode code = curl_easy_perform(easy.get());
  if (x.local_error) {
    t.failure = TransferFailure::local;
    t.local_error = std::move(x.local_error);
    return t;
  }
  if (code != CURLE_OK) {
    t.failure = classify(code);
    t.detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    return t;
  }
  x.answer.status = status_now(x);
  t.answer = std::move(x.answer);
  return t;
}

} // namespace acp::util::detail
