// state.json as JSON. Reading is strict about types: a state file that does not say clearly
// what is installed must stop acpctl rather than be guessed at.

#include "acpctl/state/node_state.hpp"

#include <fmt/format.h>

namespace acp::state {

using nlohmann::json;

json to_json(const NodeState& state) {
  json components = json::object();
  for (const auto& [name, c] : state.components) {
    json files = json::array();
    for (const auto& f : c.files)
      files.push_back({{"path", f.path}, {"sha256", f.sha256}});
    components[name] = {{"version", c.version}, {"digest", c.digest},
                        {"files", files},       {"service", c.service},
                        {"ports", c.ports},     {"installedAt", c.installed_at}};
    if (!c.service.empty())
      components[name]["serviceDigest"] = c.service_digest;
  }
  json doc = {{"schema", state.schema}, {"serial", state.serial}, {"components", components}};
  if (!state.package_trust.empty())
    doc["packageTrust"] = state.package_trust;
  if (state.platform.empty())
    return doc;
  json platform = json::object();
  for (const auto& [name, r] : state.platform) {
    json files = json::array();
    for (const auto& f : r.files)
      files.push_back({{"path", f.path}, {"sha256", f.sha256}});
    platform[name] = {{"digest", r.digest},   {"files", files},   {"dirs", r.dirs},
                      {"service", r.service}, {"ports", r.ports}, {"updatedAt", r.updated_at}};
  }
  doc["platform"] = std::move(platform);
  return doc;
}

std::string to_text(const NodeState& state) {
  return to_json(state).dump(2) + "\n";
}

namespace {

InstalledComponent component_from(const std::string& name, const json& j) {
  InstalledComponent c;
  c.name = name;
  c.version = j.at("version").get<std::string>();
  c.digest = j.at("digest").get<std::string>();
  for (const auto& f : j.value("files", json::array()))
    c.files.push_back({f.at("path").get<std::string>(), f.at("sha256").get<std::string>()});
  c.service = j.value("service", "");
  c.ports = j.value("ports", std::vector<int>{});
  c.installed_at = j.value("installedAt", "");
  // Absent in state.json from before it was recorded: empty, so the planner restarts.
  c.service_digest = j.value("serviceDigest", "");
  return c;
}

PlatformRecord record_from(const std::string& name, const json& j) {
  PlatformRecord r;
  r.name = name;
  r.digest = j.at("digest").get<std::string>();
  for (const auto& f : j.value("files", json::array()))
    r.files.push_back({f.at("path").get<std::string>(), f.at("sha256").get<std::string>()});
  r.dirs = j.value("dirs", std::vector<std::string>{});
  r.service = j.value("service", "");
  r.ports = j.value("ports", std::vector<int>{});
  r.updated_at = j.value("updatedAt", "");
  return r;
}

Error corrupt(const std::string& host, std::string_view file, const std::string& why) {
  return Error(Errc::invalid_input, fmt::format("{} is corrupt: {}", file, why))
      .with_host(host)
      .with_hint(fmt::format("inspect {0} on {1}: restore it from a backup, or move it away "
                             "(acpctl then treats {1} as a fresh node) and run `acpctl plan` again",
                             file, host));
}

} // namespace

Result<NodeState> parse_state(std::string_view text, const std::string& host,
                              std::string_view file) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return corrupt(host, file, fmt::format("not JSON (byte {})", e.byte));
  }
  if (!doc.is_object())
    return corrupt(host, file, "not a JSON object");
  try {
    NodeState state;
    state.schema = doc.at("schema").get<int>();
    if (state.schema > k_schema_version)
      return Error(Errc::invalid_input,
                   fmt::format("{} has schema {}, newer than this acpctl understands ({})", file,
                               state.schema, k_schema_version))
          .with_host(host)
          .with_hint("a newer acpctl manages this node: upgrade acpctl (`acpctl version` "
                     "shows yours)");
    if (state.schema < 1)
      return corrupt(host, file, fmt::format("schema {} is not valid", state.schema));
    state.serial = doc.at("serial").get<std::uint64_t>();
    state.package_trust = doc.value("packageTrust", "");
    for (const auto& [name, c] : doc.at("components").items())
      state.components[name] = component_from(name, c);
    if (doc.contains("platform"))
      for (const auto& [name, r] : doc.at("platform").items())
        state.platform[name] = record_from(name, r);
    return state;
  } catch (const json::exception& e) {
    // nlohmann's message names the key or type that was wrong; keep only that part.
    std::string what = e.what();
    if (const auto pos = what.find("] "); pos != std::string::npos)
      what = what.substr(pos + 2);
    return corrupt(host, file, what);
  }
}

} // namespace acp::state
