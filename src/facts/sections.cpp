#include "sections.hpp"

#include "acpctl/util/ipaddr.hpp"
#include "acpctl/util/strings.hpp"

#include <charconv>

namespace acp::facts::detail {

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos)
      break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::vector<std::string> fields(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    const auto start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start)
      out.emplace_back(line.substr(start, i - start));
  }
  return out;
}

namespace {
template <class T> std::optional<T> number(std::string_view text, int base = 10) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

// /proc/net/tcp writes addresses as the raw in-memory words in hex: IPv4 as one
// little-endian 32-bit word, IPv6 as four of them.
std::string proc_address(std::string_view hex) {
  util::IpAddress ip;
  ip.v6 = hex.size() == 32;
  const std::size_t words = ip.v6 ? 4 : 1;
  for (std::size_t w = 0; w < words; ++w)
    for (std::size_t b = 0; b < 4; ++b) {
      const auto byte = number<unsigned>(hex.substr(w * 8 + (3 - b) * 2, 2), 16).value_or(0);
      ip.bytes[w * 4 + b] = static_cast<std::uint8_t>(byte);
    }
  return ip.to_string();
}
} // namespace

std::map<std::string, std::string> parse_os_release(std::string_view text) {
  std::map<std::string, std::string> out;
  for (auto line : lines(text)) {
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || line.starts_with('#'))
      continue;
    auto value = util::trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    out[std::string(util::trim(line.substr(0, eq)))] = std::string(value);
  }
  return out;
}

std::vector<ListeningPort> parse_proc_tcp(std::string_view text) {
  std::vector<ListeningPort> out;
  for (auto line : lines(text)) {
    const auto f = fields(line);
    if (f.size() < 4 || f[3] != "0A") // 0A = TCP_LISTEN
      continue;
    const auto colon = f[1].find(':');
    if (colon == std::string::npos)
      continue;
    const auto hex = std::string_view(f[1]).substr(0, colon);
    const auto port = number<int>(std::string_view(f[1]).substr(colon + 1), 16);
    if (!port || (hex.size() != 8 && hex.size() != 32))
      continue;
    out.push_back({*port, proc_address(hex)});
  }
  return out;
}

namespace {
void add_address(std::vector<Interface>& out, const std::string& name, std::string address) {
  for (auto& itf : out)
    if (itf.name == name) {
      itf.addresses.push_back(std::move(address));
      return;
    }
  out.push_back({name, {std::move(address)}});
}
} // namespace

std::vector<Interface> parse_ip_addr(std::string_view text) {
  std::vector<Interface> out;
  for (auto line : lines(text)) {
    const auto f = fields(line);
    // "4: eth0    inet 192.0.2.2/24 brd ..." (the name may carry "@peer" for veths)
    if (f.size() < 4 || (f[2] != "inet" && f[2] != "inet6"))
      continue;
    auto name = f[1].substr(0, f[1].find('@'));
    add_address(out, name, f[3].substr(0, f[3].find('/')));
  }
  return out;
}

std::vector<Interface> parse_proc_addresses(std::string_view fib_trie, std::string_view if_inet6) {
  std::vector<Interface> out;
  std::string last;
  for (auto line : lines(fib_trie)) {
    const auto f = fields(line);
    if (f.size() == 2 && f[0] == "|--")
      last = f[1];
    else if (f.size() == 3 && f[0] == "/32" && f[2] == "LOCAL" && !last.empty()) {
      bool seen = false;
      for (const auto& itf : out)
        for (const auto& a : itf.addresses)
          seen = seen || a == last;
      if (!seen)
        add_address(out, "?", last);
    }
  }
  for (auto line : lines(if_inet6)) {
    const auto f = fields(line);
    if (f.size() < 6 || f[0].size() != 32)
      continue;
    std::string text6;
    for (std::size_t i = 0; i < 32; i += 4)
      text6 += (i ? ":" : "") + f[0].substr(i, 4);
    if (auto ip = util::IpAddress::parse(text6))
      add_address(out, f[5], ip->to_string());
  }
  return out;
}

std::optional<std::uint64_t> parse_df_free(std::string_view text) {
  const auto all = lines(text);
  if (all.empty())
    return std::nullopt;
  const auto f = fields(all.back());
  if (f.size() < 4)
    return std::nullopt;
  const auto kib = number<std::uint64_t>(f[3]);
  return kib ? std::optional(*kib * 1024) : std::nullopt;
}

std::optional<std::uint64_t> parse_meminfo_total(std::string_view text) {
  for (auto line : lines(text)) {
    const auto f = fields(line);
    if (f.size() >= 2 && f[0] == "MemTotal:")
      if (auto kib = number<std::uint64_t>(f[1]))
        return *kib * 1024;
  }
  return std::nullopt;
}

} // namespace acp::facts::detail
