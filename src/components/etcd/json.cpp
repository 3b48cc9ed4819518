// etcdctl -w json output read back. etcdctl prints zap warnings as JSON lines on stderr too
// ({"level":"warn",...}); the caller merges both streams, so the document is found by shape.

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/util/strings.hpp"

#include <nlohmann/json.hpp>

namespace acp::etcd {

using nlohmann::json;

namespace {

// The first line that parses as JSON and `fits`; else the last line that is not a log line
// (etcdctl's own error, "Error: context deadline exceeded").
template <class Fits>
Result<json> find_document(std::string_view output, Fits fits, const char* what) {
  std::string last_words;
  while (!output.empty()) {
    const auto nl = output.find('\n');
    const auto line = util::trim(output.substr(0, nl));
    output = nl == std::string_view::npos ? std::string_view() : output.substr(nl + 1);
    if (line.empty())
      continue;
    auto doc = json::parse(line, nullptr, false);
    if (!doc.is_discarded() && fits(doc))
      return doc;
    if (doc.is_discarded() && !line.starts_with("rc="))
      last_words = std::string(line);
  }
  return Error(Errc::remote, std::string("etcdctl ") + what +
                                 " failed: " + (last_words.empty() ? "no answer" : last_words));
}

std::vector<std::string> strings(const json& j, const char* key) {
  return j.contains(key) ? j.at(key).get<std::vector<std::string>>() : std::vector<std::string>{};
}

} // namespace

Result<std::vector<Member>> parse_member_list(std::string_view output) {
  auto doc = find_document(
      output, [](const json& j) { return j.is_object() && j.contains("members"); }, "member list");
  if (!doc)
    return std::move(doc).error();
  std::vector<Member> out;
  try {
    for (const auto& m : doc->at("members"))
      out.push_back({m.at("ID").get<std::uint64_t>(), m.value("name", ""), strings(m, "peerURLs"),
                     strings(m, "clientURLs")});
  } catch (const json::exception& e) {
    return Error(Errc::remote, std::string("unexpected etcdctl member list output: ") + e.what());
  }
  return out;
}

Result<EndpointStatus> parse_endpoint_status(std::string_view output) {
  auto doc = find_document(
      output,
      [](const json& j) { return j.is_array() && !j.empty() && j.at(0).contains("Status"); },
      "endpoint status");
  if (!doc)
    return std::move(doc).error();
  try {
    const auto& s = doc->at(0).at("Status");
    EndpointStatus out;
    out.member_id = s.at("header").at("member_id").get<std::uint64_t>();
    out.cluster_id = s.at("header").value("cluster_id", std::uint64_t{0});
    out.raft_term = s.value("raftTerm", std::uint64_t{0});
    out.revision = s.at("header").value("revision", std::uint64_t{0});
    out.leader = s.value("leader", std::uint64_t{0});
    out.version = s.value("version", "");
    out.errors = strings(s, "errors");
    return out;
  } catch (const json::exception& e) {
    return Error(Errc::remote,
                 std::string("unexpected etcdctl endpoint status output: ") + e.what());
  }
}

Status parse_endpoint_health(std::string_view output) {
  auto doc = find_document(
      output,
      [](const json& j) { return j.is_array() && !j.empty() && j.at(0).contains("health"); },
      "endpoint health");
  if (!doc)
    return std::move(doc).error();
  const auto& h = doc->at(0);
  if (h.value("health", false))
    return {};
  return Error(Errc::remote, "etcd is not healthy: " + h.value("error", std::string("unknown")));
}

} // namespace acp::etcd
