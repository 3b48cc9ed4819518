// Splits the facts script's output into sections and fills HostFacts from them.

#include "acpctl/facts/gather.hpp"
#include "acpctl/util/strings.hpp"
#include "sections.hpp"

#include <charconv>
#include <fmt/format.h>
#include <vector>

namespace acp::facts {

namespace {

constexpr std::string_view k_marker = "@@acp-facts ";

struct Section {
  std::string name;
  std::string arg;
  std::string_view body;
};

// Each header is "@@acp-facts name [arg]" at the start of a line; a body runs to the newline
// before the next header, so a file printed with `cat` keeps its exact bytes.
std::vector<Section> split_sections(std::string_view out) {
  std::vector<Section> sections;
  std::size_t pos = out.starts_with(k_marker) ? 0 : out.find(std::string("\n") + k_marker.data());
  if (pos != 0 && pos != std::string_view::npos)
    ++pos;
  while (pos != std::string_view::npos && pos < out.size()) {
    const auto header_end = out.find('\n', pos);
    const auto header = out.substr(pos + k_marker.size(), header_end == std::string_view::npos
                                                              ? std::string_view::npos
                                                              : header_end - pos - k_marker.size());
    Section s;
    const auto space = header.find(' ');
    s.name = std::string(header.substr(0, space));
    if (space != std::string_view::npos)
      s.arg = std::string(header.substr(space + 1));
    if (header_end == std::string_view::npos) {
      sections.push_back(std::move(s));
      break;
    }
    const auto next = out.find(std::string("\n") + k_marker.data(), header_end);
    s.body = out.substr(header_end + 1, next == std::string_view::npos ? std::string_view::npos
                                                                       : next - header_end - 1);
    sections.push_back(std::move(s));
    pos = next == std::string_view::npos ? next : next + 1;
  }
  return sections;
}

std::string first_line(std::string_view body) {
  const auto all = detail::lines(body);
  return all.empty() ? std::string() : std::string(util::trim(all.front()));
}

// `date +%s.%N` where %N is unsupported (busybox) prints "1700000000.N": keep the seconds.
double parse_epoch(std::string_view text) {
  const auto dot = text.find('.');
  double seconds = 0;
  std::from_chars(text.data(), text.data() + std::min(dot, text.size()), seconds);
  if (dot != std::string_view::npos) {
    double fraction = 0;
    const auto frac = "0" + std::string(text.substr(dot));
    const auto [end, ec] = std::from_chars(frac.data(), frac.data() + frac.size(), fraction);
    if (ec == std::errc() && end == frac.data() + frac.size())
      seconds += fraction;
  }
  return seconds;
}

void read_services(std::string_view body, bool systemd, HostFacts& facts) {
  for (auto line : detail::lines(body)) {
    const auto f = detail::fields(line);
    if (f.empty() || !f[0].starts_with("acp-"))
      continue;
    auto name = f[0].substr(4);
    if (systemd && name.ends_with(".service"))
      name.resize(name.size() - 8);
    const auto state = f.size() > 1 ? f[1] : "";
    facts.services[name] = systemd ? state == "active" : state == "run";
  }
}

// Each probe's sections ("<name>-<part>") collected and handed to its parser.
void read_probes(const std::vector<Section>& sections, std::span<const Probe> probes,
                 HostFacts& facts) {
  for (const auto& probe : probes) {
    ProbeSections mine;
    const auto prefix = std::string(probe.name) + "-";
    for (const auto& s : sections)
      if (s.name.starts_with(prefix))
        mine[s.name.substr(prefix.size())] = std::string(s.body);
    if (!mine.empty() && probe.parse)
      facts.components[std::string(probe.name)] = probe.parse(mine);
  }
}

} // namespace

Result<HostFacts> parse_facts(std::string_view output, const std::string& host,
                              std::span<const Probe> probes) {
  const auto sections = split_sections(output);
  const bool complete =
      !sections.empty() && sections.front().name == "begin" && sections.back().name == "end";
  if (!complete)
    return Error(Errc::remote, "the facts script's output is incomplete or not from acpctl")
        .with_host(host)
        .with_hint("check that `sh` works for the SSH user on this host and that its login "
                   "files print nothing, then run again");
  HostFacts facts;
  std::string fib_trie;
  std::string if_inet6;
  std::string pid1;
  std::string supervisors;
  for (const auto& s : sections) {
    if (s.name == "hostname")
      facts.hostname = first_line(s.body);
    else if (s.name == "os-release") {
      const auto os = detail::parse_os_release(s.body);
      facts.os_id = os.contains("ID") ? os.at("ID") : "";
      facts.os_version = os.contains("VERSION_ID") ? os.at("VERSION_ID") : "";
    } else if (s.name == "uname") {
      const auto all = detail::lines(s.body);
      facts.arch = all.empty() ? "" : normalise_arch(util::trim(all[0]));
      facts.kernel = all.size() > 1 ? std::string(util::trim(all[1])) : "";
    } else if (s.name == "cpus") {
      const auto text = first_line(s.body);
      std::from_chars(text.data(), text.data() + text.size(), facts.cpus);
    } else if (s.name == "meminfo")
      facts.memory_bytes = detail::parse_meminfo_total(s.body).value_or(0);
    else if (s.name == "disk") {
      if (auto free = detail::parse_df_free(s.body))
        facts.disk_free_bytes[s.arg] = *free;
    } else if (s.name == "clock")
      facts.remote_epoch = parse_epoch(first_line(s.body));
    else if (s.name == "tcp")
      facts.listening = detail::parse_proc_tcp(s.body);
    else if (s.name == "ip-addr")
      facts.interfaces = detail::parse_ip_addr(s.body);
    else if (s.name == "fib-trie")
      fib_trie = s.body;
    else if (s.name == "if-inet6")
      if_inet6 = s.body;
    else if (s.name == "pid1")
      pid1 = first_line(s.body);
    else if (s.name == "supervisors")
      supervisors = s.body;
    else if (s.name == "services-systemd" || s.name == "services-runit")
      read_services(s.body, s.name == "services-systemd", facts);
    else if (s.name == "state" && s.arg == "present")
      facts.state_json = std::string(s.body);
  }
  read_probes(sections, probes, facts);
  if (facts.interfaces.empty() && (!fib_trie.empty() || !if_inet6.empty()))
    facts.interfaces = detail::parse_proc_addresses(fib_trie, if_inet6);
  if (pid1 == "systemd")
    facts.service_manager = ServiceManagerKind::systemd;
  else if (pid1 == "runsvdir" || supervisors.find("runsvdir") != std::string::npos)
    facts.service_manager = ServiceManagerKind::runit;
  if (facts.state_json) {
    auto state = state::parse_state(*facts.state_json, host);
    if (!state)
      return std::move(state).error();
    facts.state = std::move(*state);
  }
  return facts;
}

} // namespace acp::facts
