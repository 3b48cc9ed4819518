// state.json as JSON. Reading is strict about types: a state file that does not say clearly
// what is installed must stop acpctl rather than be guessed at.

#include "acpctl/state/node_state.hpp"

#include <fmt/format.h>

namespace acp::state {

using nlohmann::json;

namespace {

json files_json(const std::vector<InstalledFile>& files) {
  json out = json::array();
  for (const auto& f : files)
    out.push_back({{"path", f.path}, {"sha256", f.sha256}});
  return out;
}

std::vector<InstalledFile> files_from(const json& j) {
  std::vector<InstalledFile> out;
  for (const auto& f : j)
    out.push_back({f.at("path").get<std::string>(), f.at("sha256").get<std::string>()});
  return out;
}

// The schema 3 keys of a component, only when set (a schema 1 state stays byte for byte).
void release_keys(const InstalledComponent& c, json& out) {
  if (!c.content_digest.empty())
    out["contentDigest"] = c.content_digest;
  if (!c.release.empty())
    out["release"] = c.release;
  if (!c.service_spec.is_null())
    out["serviceSpec"] = c.service_spec;
  if (c.previous)
    out["previous"] = {{"version", c.previous->version},
                       {"digest", c.previous->digest},
                       {"contentDigest", c.previous->content_digest},
                       {"files", files_json(c.previous->files)},
                       {"serviceSpec", c.previous->service_spec},
                       {"release", c.previous->release}};
}

json component_json(const InstalledComponent& c) {
  json out = {{"version", c.version}, {"digest", c.digest}, {"files", files_json(c.files)},
              {"service", c.service}, {"ports", c.ports},   {"installedAt", c.installed_at}};
  if (!c.service.empty())
    out["serviceDigest"] = c.service_digest;
  release_keys(c, out);
  return out;
}

json release_json(const Release& r) {
  return {{"name", r.name},     {"version", r.version},
          {"type", r.type},     {"baseVersion", r.base_version},
          {"digest", r.digest}, {"installedAt", r.installed_at}};
}

void releases_to(const NodeState& state, json& doc) {
  if (state.release)
    doc["release"] = release_json(*state.release);
  if (state.previous_release)
    doc["previousRelease"] = release_json(*state.previous_release);
  if (!state.history.empty()) {
    json history = json::array();
    for (const auto& e : state.history)
      history.push_back({{"at", e.at},
                         {"action", e.action},
                         {"from", e.from},
                         {"to", e.to},
                         {"snapshot", e.snapshot}});
    doc["history"] = std::move(history);
  }
  if (!state.last_upgrade.is_null())
    doc["lastUpgrade"] = state.last_upgrade;
}

} // namespace

json to_json(const NodeState& state) {
  json components = json::object();
  for (const auto& [name, c] : state.components)
    components[name] = component_json(c);
  json doc = {{"schema", state.schema}, {"serial", state.serial}, {"components", components}};
  if (!state.package_trust.empty())
    doc["packageTrust"] = state.package_trust;
  releases_to(state, doc);
  if (state.platform.empty())
    return doc;
  json platform = json::object();
  for (const auto& [name, r] : state.platform)
    platform[name] = {{"digest", r.digest}, {"files", files_json(r.files)},
                      {"dirs", r.dirs},     {"service", r.service},
                      {"ports", r.ports},   {"updatedAt", r.updated_at}};
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
  c.files = files_from(j.value("files", json::array()));
  c.service = j.value("service", "");
  c.ports = j.value("ports", std::vector<int>{});
  c.installed_at = j.value("installedAt", "");
  // Absent in state.json from before it was recorded: empty, so the planner restarts.
  c.service_digest = j.value("serviceDigest", "");
  c.content_digest = j.value("contentDigest", "");
  c.release = j.value("release", "");
  c.service_spec = j.value("serviceSpec", json());
  if (j.contains("previous")) {
    const auto& p = j.at("previous");
    c.previous =
        PreviousVersion{p.at("version").get<std::string>(), p.at("digest").get<std::string>(),
                        p.value("contentDigest", ""),       files_from(p.at("files")),
                        p.value("serviceSpec", json()),     p.value("release", "")};
  }
  return c;
}

Release release_from(const json& j) {
  return {j.at("name").get<std::string>(),
          j.at("version").get<std::string>(),
          j.value("type", ""),
          j.value("baseVersion", ""),
          j.at("digest").get<std::string>(),
          j.value("installedAt", "")};
}

void releases_from(const json& doc, NodeState& state) {
  if (doc.contains("release"))
    state.release = release_from(doc.at("release"));
  if (doc.contains("previousRelease"))
    state.previous_release = release_from(doc.at("previousRelease"));
  for (const auto& e : doc.value("history", json::array()))
    state.history.push_back({e.at("at").get<std::string>(), e.at("action").get<std::string>(),
                             e.value("from", ""), e.at("to").get<std::string>(),
                             e.value("snapshot", "")});
  state.last_upgrade = doc.value("lastUpgrade", json());
}

PlatformRecord record_from(const std::string& name, const json& j) {
  PlatformRecord r;
  r.name = name;
  r.digest = j.at("digest").get<std::string>();
  r.files = files_from(j.value("files", json::array()));
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
    releases_from(doc, state);
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
