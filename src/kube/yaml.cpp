// YAML to JSON by the YAML 1.2 core schema. yaml-cpp hands every scalar over as text; its tag
// says how it was written: "?" plain (resolved here), "!" quoted or block (a string), or an
// explicit tag (!!str, !!int, ...).

#include "acpctl/kube/manifests.hpp"
#include "acpctl/util/strings.hpp"

#include <charconv>
#include <fmt/format.h>
#include <regex>
#include <yaml-cpp/yaml.h>

namespace acp::kube {

namespace {

constexpr std::string_view k_tag = "tag:yaml.org,2002:";

struct Converter {
  const std::string& file;

  Error problem(const YAML::Node& node, const std::string& why) const {
    const auto mark = node.Mark();
    return Error(Errc::invalid_input, why)
        .at(Location{file, mark.is_null() ? 0 : mark.line + 1,
                     mark.is_null() ? 0 : mark.column + 1});
  }

  Result<nlohmann::json> scalar(const YAML::Node& node) const;
  Result<nlohmann::json> convert(const YAML::Node& node) const;
};

std::optional<nlohmann::json> integer(const std::string& text) {
  static const std::regex decimal("[-+]?[0-9]+"), octal("0o[0-7]+"), hex("0x[0-9a-fA-F]+");
  int base = 10;
  std::string_view digits = text;
  if (std::regex_match(text, octal) || std::regex_match(text, hex)) {
    base = text[1] == 'o' ? 8 : 16;
    digits.remove_prefix(2);
  } else if (!std::regex_match(text, decimal)) {
    return std::nullopt;
  }
  if (digits.starts_with('+'))
    digits.remove_prefix(1);
  std::int64_t value = 0;
  if (auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
      ec == std::errc() && p == digits.data() + digits.size())
    return nlohmann::json(value);
  std::uint64_t big = 0;
  if (auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), big, base);
      ec == std::errc() && p == digits.data() + digits.size())
    return nlohmann::json(big);
  return std::nullopt; // too large for 64 bits: a float below
}

bool is_float(const std::string& text) {
  static const std::regex number("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  return std::regex_match(text, number);
}

bool is_special_float(const std::string& text) {
  static const std::regex special("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  return std::regex_match(text, special);
}

Result<nlohmann::json> Converter::scalar(const YAML::Node& node) const {
  const std::string& text = node.Scalar();
  const std::string& tag = node.Tag();
  const std::string named = tag.starts_with(k_tag) ? tag.substr(k_tag.size()) : "";
  if (tag == "!" || named == "str")
    return nlohmann::json(text);
  if (tag != "?" && named.empty())
    return problem(node,
                   fmt::format("the tag {} is not one of YAML's core schema", util::quoted(tag)));
  if ((named.empty() || named == "null") &&
      (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL"))
    return nlohmann::json(nullptr);
  if (named.empty() || named == "bool") {
    if (text == "true" || text == "True" || text == "TRUE")
      return nlohmann::json(true);
    if (text == "false" || text == "False" || text == "FALSE")
      return nlohmann::json(false);
  }
  if (named.empty() || named == "int")
    if (auto value = integer(text))
      return *value;
  if (is_special_float(text) && (named.empty() || named == "float"))
    return problem(node, util::quoted(text) + " cannot be written in JSON (quote it)");
  if ((named.empty() || named == "float") && is_float(text))
    return nlohmann::json(std::stod(text));
  if (named.empty())
    return nlohmann::json(text);
  return problem(node, fmt::format("{} is no !!{}", util::quoted(text), named));
}

Result<nlohmann::json> Converter::convert(const YAML::Node& node) const {
  switch (node.Type()) {
  case YAML::NodeType::Undefined:
  case YAML::NodeType::Null:
    return nlohmann::json(nullptr);
  case YAML::NodeType::Scalar:
    return scalar(node);
  case YAML::NodeType::Sequence: {
    auto out = nlohmann::json::array();
    for (const auto& item : node) {
      auto value = convert(item);
      if (!value)
        return value;
      out.push_back(std::move(*value));
    }
    return out;
  }
  case YAML::NodeType::Map:
    break;
  }
  auto out = nlohmann::json::object();
  for (const auto& entry : node) {
    if (!entry.first.IsScalar())
      return problem(entry.first, "a mapping key must be a scalar (JSON keys are strings)");
    const std::string& key = entry.first.Scalar();
    if (out.contains(key))
      return problem(entry.first, "duplicate key " + util::quoted(key));
    auto value = convert(entry.second);
    if (!value)
      return value;
    out[key] = std::move(*value);
  }
  return out;
}

bool is_object_with_names(const nlohmann::json& doc) {
  const nlohmann::json::json_pointer name("/metadata/name");
  return doc.is_object() && doc.contains("apiVersion") && doc["apiVersion"].is_string() &&
         doc.contains("kind") && doc["kind"].is_string() && doc.contains(name) &&
         doc[name].is_string();
}

} // namespace

Result<std::vector<nlohmann::json>> parse_manifests(std::string_view text,
                                                    const std::string& file) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error(Errc::invalid_input, "not valid YAML: " + e.msg)
        .at(Location{file, e.mark.is_null() ? 0 : e.mark.line + 1,
                     e.mark.is_null() ? 0 : e.mark.column + 1});
  }
  const Converter converter{file};
  std::vector<nlohmann::json> objects;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (documents[i].IsNull())
      continue;
    auto doc = converter.convert(documents[i]);
    if (!doc)
      return std::move(doc).error().context(fmt::format("document {}", i + 1));
    if (!is_object_with_names(*doc))
      return converter.problem(documents[i],
                               fmt::format("document {}: not a Kubernetes object (it needs "
                                           "apiVersion, kind and metadata.name, as strings)",
                                           i + 1));
    objects.push_back(std::move(*doc));
  }
  return objects;
}

} // namespace acp::kube
