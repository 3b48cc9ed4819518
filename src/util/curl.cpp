#include "curl.hpp"

#include <mutex>

namespace acp::util::detail {

CurlEasy::CurlEasy() {
  // curl_global_init is not thread-safe; once for the process, before the first handle.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  m_handle.reset(curl_easy_init());
}

bool CurlHeaders::append(const std::string& line) {
  curl_slist* grown = curl_slist_append(m_list.get(), line.c_str());
  if (grown == nullptr)
    return false;
  // curl_slist_append returns the same head it was given (or a new one for an empty list).
  static_cast<void>(m_list.release());
  m_list.reset(grown);
  return true;
}

} // namespace acp::util::detail
