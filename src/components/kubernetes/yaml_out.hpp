#pragma once
// Private to the kubernetes component: typed YAML output. Every string value is written
// double-quoted, so a node named "1234" or "true" stays a string for kubeadm's Go decoder;
// numbers and booleans are written plain.

#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace acp::kubernetes::detail {

inline void put(YAML::Emitter& out, std::string_view key, const std::string& value) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::DoubleQuoted << value;
}

inline void put(YAML::Emitter& out, std::string_view key, std::string_view value) {
  put(out, key, std::string(value));
}

inline void put(YAML::Emitter& out, std::string_view key, const char* value) {
  put(out, key, std::string(value));
}

inline void put(YAML::Emitter& out, std::string_view key, int value) {
  out << YAML::Key << std::string(key) << YAML::Value << value;
}

inline void put_list(YAML::Emitter& out, std::string_view key,
                     const std::vector<std::string>& items) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const auto& item : items)
    out << YAML::DoubleQuoted << item;
  out << YAML::EndSeq;
}

/// Opens `key`'s mapping; the caller closes it with YAML::EndMap.
inline void open_map(YAML::Emitter& out, std::string_view key) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
}

using Args = std::vector<std::pair<std::string, std::string>>;

/// Extra command-line arguments: a map (v1beta3) or a list of {name, value} (v1beta4, which
/// allows an argument twice).
inline void put_args(YAML::Emitter& out, std::string_view key, const Args& args, bool as_list) {
  out << YAML::Key << std::string(key) << YAML::Value;
  out << (as_list ? YAML::BeginSeq : YAML::BeginMap);
  for (const auto& [name, value] : args) {
    if (as_list) {
      out << YAML::BeginMap;
      put(out, "name", name);
      put(out, "value", value);
      out << YAML::EndMap;
    } else {
      put(out, name, value);
    }
  }
  out << (as_list ? YAML::EndSeq : YAML::EndMap);
}

/// A document's text with its trailing newline.
inline std::string document(const YAML::Emitter& out) {
  return std::string(out.c_str()) + "\n";
}

} // namespace acp::kubernetes::detail
