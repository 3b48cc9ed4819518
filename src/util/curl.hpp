#pragma once
// Move-only owners of libcurl's handles, private to src/ (the S3 and OCI clients): libcurl stays
// out of every public header, and no path through a client can leak a handle or a header list.

#include <curl/curl.h>
#include <memory>
#include <string>

namespace acp::util::detail {

/// An easy handle, cleaned up on destruction. The first one made runs curl_global_init once.
class CurlEasy {
public:
  CurlEasy();
  /// The handle; null when libcurl could not make one (out of memory). A handle kept across
  /// requests keeps its connections open for the next one (curl_easy_reset keeps them).
  CURL* get() const { return m_handle.get(); }

private:
  struct Cleanup {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
  };
  std::unique_ptr<CURL, Cleanup> m_handle;
};

/// A header list, freed on destruction.
class CurlHeaders {
public:
  /// Appends "line"; false when libcurl is out of memory.
  bool append(const std::string& line);
  curl_slist* get() const { return m_list.get(); }

private:
  struct Free {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  };
  std::unique_ptr<curl_slist, Free> m_list;
};

} // namespace acp::util::detail
