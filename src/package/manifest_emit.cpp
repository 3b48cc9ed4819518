// Manifest → YAML, in a fixed order, so the same package always has the same manifest bytes.

#include "acpctl/package/manifest.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace acp::package {

namespace {

void emit_files(YAML::Emitter& out, const std::vector<FileEntry>& files) {
  out << YAML::Key << "files" << YAML::Value << YAML::BeginSeq;
  for (const auto& f : files) {
    out << YAML::BeginMap << YAML::Key << "path" << YAML::Value << f.path;
    if (f.is_symlink()) {
      out << YAML::Key << "symlink" << YAML::Value << f.symlink;
    } else {
      out << YAML::Key << "size" << YAML::Value << f.size;
      out << YAML::Key << "mode" << YAML::Value << YAML::DoubleQuoted
          << fmt::format("{:04o}", f.mode);
      out << YAML::Key << "sha256" << YAML::Value << f.sha256;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit_strings(YAML::Emitter& out, const char* key, const std::vector<std::string>& items) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& s : items)
    out << YAML::DoubleQuoted << s;
  out << YAML::EndSeq;
}

void emit_service(YAML::Emitter& out, const Service& s) {
  out << YAML::Key << "service" << YAML::Value << YAML::BeginMap;
  emit_strings(out, "command", s.command);
  out << YAML::Key << "user" << YAML::Value << s.user;
  if (!s.environment.empty()) {
    out << YAML::Key << "environment" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : s.environment)
      out << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
    out << YAML::EndMap;
  }
  if (s.health_check) {
    out << YAML::Key << "healthCheck" << YAML::Value << YAML::BeginMap;
    emit_strings(out, "command", s.health_check->command);
    out << YAML::Key << "intervalSeconds" << YAML::Value << s.health_check->interval_seconds;
    out << YAML::Key << "timeoutSeconds" << YAML::Value << s.health_check->timeout_seconds;
    if (s.health_check->start_seconds)
      out << YAML::Key << "startSeconds" << YAML::Value << *s.health_check->start_seconds;
    out << YAML::EndMap;
  }
  out << YAML::Key << "restart" << YAML::Value << s.restart;
  if (!s.ports.empty()) {
    out << YAML::Key << "ports" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (int p : s.ports)
      out << p;
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

} // namespace

std::string emit_manifest(const Manifest& m) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << std::string(k_api_version);
  out << YAML::Key << "kind" << YAML::Value << std::string(k_kind);
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
      << YAML::Value << m.name << YAML::EndMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << m.type;
  out << YAML::Key << "version" << YAML::Value << YAML::DoubleQuoted << m.version;
  out << YAML::Key << "arch" << YAML::Value << m.arch;
  if (!m.channel.empty())
    out << YAML::Key << "channel" << YAML::Value << m.channel;
  out << YAML::Key << "lifecycle" << YAML::Value << m.lifecycle;
  if (!m.platform_versions.empty())
    emit_strings(out, "platformVersions", m.platform_versions);
  if (!m.base_version.empty())
    out << YAML::Key << "baseVersion" << YAML::Value << YAML::DoubleQuoted << m.base_version;
  out << YAML::Key << "components" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : m.components) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << c.name;
    out << YAML::Key << "version" << YAML::Value << YAML::DoubleQuoted << c.version;
    if (!c.roles.empty())
      emit_strings(out, "roles", c.roles);
    emit_files(out, c.files);
    if (!c.images.empty()) {
      out << YAML::Key << "images" << YAML::Value << YAML::BeginSeq;
      for (const auto& i : c.images)
        out << YAML::BeginMap << YAML::Key << "ref" << YAML::Value << i.ref << YAML::Key << "digest"
            << YAML::Value << i.digest << YAML::EndMap;
      out << YAML::EndSeq;
    }
    if (c.service)
      emit_service(out, *c.service);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  if (!m.image_files.empty()) {
    out << YAML::Key << "images" << YAML::Value << YAML::BeginMap;
    emit_files(out, m.image_files);
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

} // namespace acp::package
