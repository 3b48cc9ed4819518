#include "reader.hpp"

#include "acpctl/util/shell.hpp"
#include "acpctl/util/strings.hpp"

#include <charconv>
#include <fmt/format.h>
#include <set>
#include <vector>

namespace acp::config::detail {

Location location_of(const YAML::Node& node, const std::string& source) {
  const auto mark = node.Mark();
  if (mark.is_null())
    return Location{source, 0, 0};
  return Location{source, mark.line + 1, mark.column + 1};
}

std::string Reader::child(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

void Reader::note(const std::string& path, const YAML::Node& node) {
  auto where = location_of(node, m_cluster.source);
  if (where.line > 0)
    m_cluster.positions[path] = where;
}

void Reader::problem(const YAML::Node& node, const std::string& path, std::string message,
                     std::string hint) {
  auto where = location_of(node, m_cluster.source);
  if (where.line == 0)
    where = m_cluster.where(path);
  m_problems.push_back(Problem{where, path, std::move(message), std::move(hint)});
}

void Reader::problem_at(const std::string& path, std::string message, std::string hint) {
  m_problems.push_back(Problem{m_cluster.where(path), path, std::move(message), std::move(hint)});
}

namespace {
std::string type_name(const YAML::Node& node) {
  switch (node.Type()) {
  case YAML::NodeType::Map:
    return "a mapping";
  case YAML::NodeType::Sequence:
    return "a list";
  case YAML::NodeType::Null:
    return "empty";
  case YAML::NodeType::Scalar:
    return "a scalar";
  default:
    return "undefined";
  }
}
} // namespace

bool Reader::mapping(const YAML::Node& node, const std::string& path,
                     std::initializer_list<std::string_view> allowed) {
  note(path, node);
  if (!node.IsMap()) {
    problem(node, path,
            fmt::format("{} must be a mapping, not {}", path.empty() ? "the document" : path,
                        type_name(node)),
            allowed.size() > 0 ? fmt::format("expected keys such as {}", *allowed.begin())
                               : std::string{});
    return false;
  }
  std::set<std::string, std::less<>> seen;
  const std::vector<std::string_view> candidates(allowed);
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    if (!key_node.IsScalar()) {
      problem(key_node, path, fmt::format("a key in {} must be a plain word", path));
      continue;
    }
    const auto key = key_node.Scalar();
    note(child(path, key) + "#key", key_node);
    if (!seen.insert(key).second) {
      problem(key_node, child(path, key), fmt::format("duplicate key {}", util::quoted(key)),
              "keep only one of them");
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      auto suggestion = util::closest_match(key, candidates);
      std::vector<std::string> names(allowed.begin(), allowed.end());
      if (!suggestion.empty())
        m_suggested.insert(child(path, suggestion));
      problem(key_node, child(path, key),
              fmt::format("unknown key {} in {}", util::quoted(key),
                          path.empty() ? "the document" : path),
              suggestion.empty() ? fmt::format("known keys: {}", util::join(names, ", "))
                                 : fmt::format("did you mean \"{}\"?", suggestion));
    }
  }
  return true;
}

void Reader::required(const YAML::Node& map, const std::string& path, std::string hint) {
  if (m_suggested.contains(path))
    return;
  problem(map, path, fmt::format("{} is required", path), std::move(hint));
}

bool Reader::sequence(const YAML::Node& node, const std::string& path) {
  note(path, node);
  if (!node.IsSequence()) {
    problem(node, path, fmt::format("{} must be a list, not {}", path, type_name(node)),
            "write it as a YAML list: one \"- item\" per line or [a, b]");
    return false;
  }
  return true;
}

bool Reader::string(const YAML::Node& map, const std::string& path, std::string_view key,
                    std::string& out, bool required) {
  const auto value = map[std::string(key)];
  const auto p = child(path, key);
  if (!value || value.IsNull()) {
    if (required)
      this->required(map, p);
    return false;
  }
  note(p, value);
  if (!value.IsScalar()) {
    problem(value, p, fmt::format("{} must be a string, not {}", p, type_name(value)));
    return false;
  }
  out = value.Scalar();
  if (required && util::trim(out).empty()) {
    problem(value, p, fmt::format("{} must not be empty", p));
    return false;
  }
  return true;
}

bool Reader::integer(const YAML::Node& map, const std::string& path, std::string_view key, int& out,
                     int min, int max, bool required) {
  const auto value = map[std::string(key)];
  const auto p = child(path, key);
  if (!value || value.IsNull()) {
    if (required)
      this->required(map, p);
    return false;
  }
  note(p, value);
  const std::string text = value.IsScalar() ? value.Scalar() : std::string{};
  int number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (!value.IsScalar() || text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    problem(value, p,
            fmt::format("{} must be a whole number, not {}", p,
                        value.IsScalar() ? util::quoted(text) : type_name(value)));
    return false;
  }
  if (number < min || number > max) {
    problem(value, p, fmt::format("{} is {}, outside {}–{}", p, number, min, max));
    return false;
  }
  out = number;
  return true;
}

bool Reader::boolean(const YAML::Node& map, const std::string& path, std::string_view key,
                     bool& out) {
  const auto value = map[std::string(key)];
  const auto p = child(path, key);
  if (!value || value.IsNull())
    return false;
  note(p, value);
  if (value.IsScalar() && (value.Scalar() == "true" || value.Scalar() == "false")) {
    out = value.Scalar() == "true";
    return true;
  }
  problem(value, p, fmt::format("{} must be true or false", p));
  return false;
}

bool Reader::secret(const YAML::Node& map, const std::string& path, std::string_view key,
                    SecretRef& out) {
  const auto value = map[std::string(key)];
  const auto p = child(path, key);
  if (!value || value.IsNull())
    return false;
  note(p, value);
  if (value.IsScalar()) {
    // The value is not echoed: it is a secret.
    problem(value, p, fmt::format("{} is a secret written inline", p),
            fmt::format("remove it from the file and write \"{}: {{fromEnv: VARIABLE}}\" or "
                        "\"{}: {{fromFile: /path/to/file}}\"",
                        key, key));
    return false;
  }
  if (!mapping(value, p, {"fromEnv", "fromFile"}))
    return false;
  string(value, p, "fromEnv", out.from_env);
  string(value, p, "fromFile", out.from_file);
  if (out.from_env.empty() == out.from_file.empty()) {
    problem(value, p, fmt::format("{} needs exactly one of fromEnv or fromFile", p));
    return false;
  }
  if (!out.from_env.empty() && !util::is_env_name(out.from_env)) {
    problem_at(
        child(p, "fromEnv"),
        fmt::format("{} is not a valid environment variable name", util::quoted(out.from_env)),
        "use letters, digits and _, not starting with a digit");
    return false;
  }
  return true;
}

bool Reader::choice(const YAML::Node& map, const std::string& path, std::string_view key,
                    std::string& out, std::initializer_list<std::string_view> choices,
                    bool required) {
  std::string value;
  if (!string(map, path, key, value, required))
    return false;
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) {
    out = value;
    return true;
  }
  const std::vector<std::string_view> candidates(choices);
  std::vector<std::string> names(choices.begin(), choices.end());
  auto suggestion = util::closest_match(value, candidates);
  problem_at(child(path, key),
             fmt::format("{} is {}; it must be one of {}", child(path, key), util::quoted(value),
                         util::join(names, ", ")),
             suggestion.empty() ? std::string{} : fmt::format("did you mean \"{}\"?", suggestion));
  return false;
}

} // namespace acp::config::detail
