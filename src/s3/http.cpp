// libcurl behind the Body/Sink seam. The callbacks are plain functions over one Exchange, so
// no exception crosses libcurl's C frames.

#include "http.hpp"

#include "acpctl/util/fs.hpp"
#include "curl.hpp"

#include <algorithm>
#include <cerrno>
#include <fmt/format.h>
#include <unistd.h>

namespace acp::s3::detail {

namespace {

constexpr std::size_t k_max_error_body = std::size_t{64} << 10;

// What the callbacks share during one transfer.
struct Exchange {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  std::uint64_t sent = 0; ///< body bytes handed to libcurl so far
  HttpResponse response;
  std::optional<Error> local_error; ///< a failure of ours that stopped the transfer
};

long status_now(const Exchange& x) {
  long status = 0;
  curl_easy_getinfo(x.curl, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const Body& body = x.request->body;
  const std::uint64_t left = body.size() - std::min(x.sent, body.size());
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size * count, left));
  if (want == 0)
    return 0;
  if (body.fd < 0) {
    std::copy_n(body.text.data() + x.sent, want, buffer);
    x.sent += want;
    return want;
  }
  const ssize_t got = pread(body.fd, buffer, want, static_cast<off_t>(body.offset + x.sent));
  if (got <= 0) {
    x.local_error = Error(Errc::io, got == 0 ? std::string("the file to upload became shorter")
                                             : util::with_errno("reading the file to upload"));
    return CURL_READFUNC_ABORT;
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

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  const long status = status_now(x);
  const Sink& sink = x.request->sink;
  if (status >= 200 && status < 300 && sink.fd >= 0) {
    for (std::size_t done = 0; done < n;) {
      const ssize_t wrote = write(sink.fd, data + done, n - done);
      if (wrote < 0 && errno == EINTR)
        continue;
      if (wrote <= 0) {
        x.local_error = Error(Errc::io, util::with_errno("writing the download"));
        return 0;
      }
      done += static_cast<std::size_t>(wrote);
    }
    return n;
  }
  const std::size_t cap = status >= 200 && status < 300 ? sink.max_bytes : k_max_error_body;
  if (x.response.body.size() + n > cap) {
    if (status >= 200 && status < 300) {
      x.local_error = Error(Errc::invalid_input,
                            fmt::format("the object is larger than the {} bytes expected", cap));
      return 0;
    }
    x.response.body.append(data, cap - x.response.body.size());
    return n; // an error body is only read for its <Code>; the rest is dropped
  }
  x.response.body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/"))
    x.response.etag.clear(); // a new answer (after "100 Continue")
  const auto colon = line.find(':');
  if (colon == 4) {
    std::string name(line.substr(0, 4));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name == "etag") {
      std::string_view value = line.substr(5);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      while (!value.empty() &&
             (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
      x.response.etag = value;
    }
  }
  return n;
}

bool set_method(CURL* curl, const HttpRequest& request) {
  const auto size = static_cast<curl_off_t>(request.body.size());
  if (request.method == "GET")
    return curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L) == CURLE_OK;
  if (request.method == "PUT")
    return curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, size) == CURLE_OK;
  if (request.method == "POST")
    return curl_easy_setopt(curl, CURLOPT_POST, 1L) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, size) == CURLE_OK;
  return curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str()) == CURLE_OK;
}

bool set_options(CURL* curl, const Endpoint& endpoint, Exchange& x, curl_slist* headers,
                 char* error_buffer) {
  const long timeout = std::max<long>(1, static_cast<long>(endpoint.timeout.count()));
  bool ok = curl_easy_setopt(curl, CURLOPT_URL, x.request->url.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, timeout) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, timeout) == CURLE_OK;
  ok = ok &&
       curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, endpoint.verify_tls ? 1L : 0L) == CURLE_OK;
  ok = ok &&
       curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, endpoint.verify_tls ? 2L : 0L) == CURLE_OK;
  if (!endpoint.ca_file.empty())
    ok = ok && curl_easy_setopt(curl, CURLOPT_CAINFO, endpoint.ca_file.c_str()) == CURLE_OK;
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

// The failure of a transfer that got no complete answer, naming the endpoint.
Transfer failed(CURLcode code, const char* detail, const Endpoint& endpoint) {
  const std::string why = detail[0] != '\0' ? detail : curl_easy_strerror(code);
  Transfer t;
  switch (code) {
  case CURLE_OPERATION_TIMEDOUT:
    t.error = Error(Errc::timeout, fmt::format("S3 at {} did not answer (no progress for {}s: {})",
                                               endpoint.url, endpoint.timeout.count(), why));
    t.transient = true;
    break;
  case CURLE_COULDNT_CONNECT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
    t.error = Error(Errc::connect,
                    fmt::format("the connection to S3 at {} failed ({})", endpoint.url, why));
    t.transient = true;
    break;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CONNECT_ERROR:
    t.error = Error(Errc::connect, fmt::format("TLS with S3 at {} failed ({})", endpoint.url, why))
                  .with_hint("trust the CA that signed the endpoint's certificate (the system's CA "
                             "store, or a CA file), or set skipTLSVerify where that is acceptable");
    break;
  default:
    t.error =
        Error(Errc::connect, fmt::format("talking to S3 at {} failed ({})", endpoint.url, why));
  }
  return t;
}

} // namespace

Transfer perform(const Endpoint& endpoint, const HttpRequest& request) {
  // Declared before the handle that points at them, so they outlive it.
  Exchange x;
  x.request = &request;
  CurlHeaders headers;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CurlEasy easy;
  bool ok = easy.get() != nullptr;
  for (const auto& [name, value] : request.headers)
    ok = ok && headers.append(name + ": " + value);
  x.curl = easy.get();
  if (!ok || !set_options(easy.get(), endpoint, x, headers.get(), error_buffer))
    return {{},
            Error(Errc::failed, "setting up the request to S3 at " + endpoint.url + " failed"),
            false};
  if (request.sink.fd >= 0 &&
      (ftruncate(request.sink.fd, 0) != 0 || lseek(request.sink.fd, 0, SEEK_SET) != 0))
    return {{}, Error(Errc::io, util::with_errno("emptying the download's temp file")), false};
  const CURLcode code = curl_easy_perform(easy.get());
  if (x.local_error)
    return {{}, std::move(x.local_error), false};
  if (code != CURLE_OK)
    return failed(code, error_buffer, endpoint);
  x.response.status = status_now(x);
  return {std::move(x.response), std::nullopt, false};
}

} // namespace acp::s3::detail
