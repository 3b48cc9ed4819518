#pragma once
// Turns output chunks into lines for a LineSink, or for the debug log prefixed by host.

#include "acpctl/transport/transport.hpp"
#include "acpctl/util/log.hpp"

#include <string>

namespace acp::transport::detail {

class LineSplitter {
public:
  LineSplitter(Stream stream, std::string host, const LineSink& sink)
      : m_stream(stream), m_host(std::move(host)), m_sink(sink) {}
  ~LineSplitter() { flush(); }
  LineSplitter(const LineSplitter&) = delete;
  LineSplitter& operator=(const LineSplitter&) = delete;

  void feed(std::string_view chunk) {
    m_partial.append(chunk);
    std::size_t start = 0;
    for (auto nl = m_partial.find('\n'); nl != std::string::npos;
         nl = m_partial.find('\n', start)) {
      emit(std::string_view(m_partial).substr(start, nl - start));
      start = nl + 1;
    }
    m_partial.erase(0, start);
  }
  void flush() {
    if (!m_partial.empty())
      emit(m_partial);
    m_partial.clear();
  }

private:
  void emit(std::string_view line) {
    if (m_sink)
      m_sink(m_stream, line);
    else
      log::write(log::Level::debug, m_host, line);
  }
  Stream m_stream;
  std::string m_host;
  const LineSink& m_sink;
  std::string m_partial;
};

} // namespace acp::transport::detail
