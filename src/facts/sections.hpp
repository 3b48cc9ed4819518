#pragma once
// Parsers for the facts script's sections; private to src/facts.

#include "acpctl/facts/host_facts.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::facts::detail {

/// KEY=value lines of os-release, quotes removed.
std::map<std::string, std::string> parse_os_release(std::string_view text);
/// LISTEN sockets from /proc/net/tcp and tcp6 text (header lines skipped).
std::vector<ListeningPort> parse_proc_tcp(std::string_view text);
/// Interfaces from `ip -o addr show`.
std::vector<Interface> parse_ip_addr(std::string_view text);
/// Interfaces from /proc/net/fib_trie (IPv4 local addresses; interface name unknown, "?")
/// and /proc/net/if_inet6 (IPv6 with interface names), for hosts without `ip`.
std::vector<Interface> parse_proc_addresses(std::string_view fib_trie, std::string_view if_inet6);
/// Free bytes from the last line of `df -Pk` (the 4th field, in KiB).
std::optional<std::uint64_t> parse_df_free(std::string_view text);
/// "MemTotal:  123 kB" -> bytes.
std::optional<std::uint64_t> parse_meminfo_total(std::string_view text);
/// Whitespace-separated fields.
std::vector<std::string> fields(std::string_view line);
/// Lines without their newlines; a final empty line is dropped.
std::vector<std::string_view> lines(std::string_view text);

} // namespace acp::facts::detail
