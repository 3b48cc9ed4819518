// Loading pipeline: bytes → YAML → Cluster → defaults → validation.

#include "acpctl/config/load.hpp"

#include "acpctl/util/fs.hpp"
#include "acpctl/util/strings.hpp"
#include "parse.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <iterator>
#include <sstream>

namespace acp::config {

std::string Problem::describe() const {
  auto where_text = where.to_string();
  std::string out = where_text.empty() ? message : where_text + ": " + message;
  if (!hint.empty())
    out += " (" + hint + ")";
  return out;
}

namespace {

// Strict UTF-8 check; a config that is not text is rejected before the YAML parser sees it.
bool is_utf8_text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0)
      return false;
    int extra = c < 0x80           ? 0
                : (c >> 5) == 0x6  ? 1
                : (c >> 4) == 0xe  ? 2
                : (c >> 3) == 0x1e ? 3
                                   : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= text.size())
      return false;
    for (int k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) >> 6) != 0x2)
        return false;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

bool has_content(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos && line[first] != '#' && line.compare(first, 3, "---") != 0)
      return true;
  }
  return false;
}

LoadResult single_problem(const std::string& source, int line, int column, std::string message,
                          std::string hint) {
  LoadResult result;
  result.problems.push_back(
      Problem{Location{source, line, column}, "", std::move(message), std::move(hint)});
  return result;
}

} // namespace

LoadResult load_text(std::string_view text, const std::string& source) {
  if (text.size() > k_max_config_bytes)
    return single_problem(source, 0, 0,
                          fmt::format("{} is larger than {}, the most acpctl reads for a "
                                      "cluster config",
                                      source, util::human_bytes(k_max_config_bytes)),
                          "is this the right file?");
  if (!is_utf8_text(text))
    return single_problem(source, 0, 0, fmt::format("{} is a binary file, not YAML", source),
                          "pass the cluster config, e.g. acpctl validate -f cluster.yaml");
  if (!has_content(text))
    return single_problem(source, 0, 0, fmt::format("{} is empty", source),
                          "run `acpctl init > cluster.yaml` for an example config");
  if (const auto deep = detail::first_too_deep(text, k_max_config_depth))
    return single_problem(source, deep->line, deep->column,
                          fmt::format("nesting deeper than {} levels", k_max_config_depth),
                          "a cluster config nests a few levels; check the brackets and "
                          "indentation at that position");

  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    const bool known = !e.mark.is_null();
    return single_problem(source, known ? e.mark.line + 1 : 0, known ? e.mark.column + 1 : 0,
                          fmt::format("not valid YAML: {}", e.msg),
                          "check the indentation and quoting at that position");
  }
  if (documents.size() > 1) {
    const auto mark = documents[1].Mark();
    return single_problem(source, mark.is_null() ? 0 : mark.line + 1, 1,
                          fmt::format("{} holds {} YAML documents; a cluster config is one", source,
                                      documents.size()),
                          "keep one cluster per file");
  }

  LoadResult result;
  Cluster cluster;
  cluster.source = source;
  detail::Reader reader(cluster, result.problems);
  if (documents.empty() || !documents[0].IsMap()) {
    const auto& doc = documents.empty() ? YAML::Node() : documents[0];
    auto where = documents.empty() ? Location{source, 0, 0} : detail::location_of(doc, source);
    return single_problem(source, where.line, where.column,
                          fmt::format("{} is not a cluster config: expected a mapping with "
                                      "apiVersion, kind, metadata and spec",
                                      source),
                          "run `acpctl init` for an example");
  }
  detail::parse_document(reader, documents[0], cluster);
  detail::apply_defaults(cluster);
  auto semantic = validate(cluster);
  result.problems.insert(result.problems.end(), std::make_move_iterator(semantic.begin()),
                         std::make_move_iterator(semantic.end()));
  std::stable_sort(
      result.problems.begin(), result.problems.end(), [](const Problem& a, const Problem& b) {
        return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
      });
  result.cluster = std::move(cluster);
  return result;
}

LoadResult load_file(const std::string& path) {
  if (path == "-") {
    // One byte past the limit is enough for load_text to refuse; never read the rest.
    std::string text;
    std::istreambuf_iterator<char> in(std::cin), end;
    for (; in != end && text.size() <= k_max_config_bytes; ++in)
      text += *in;
    return load_text(text, "<stdin>");
  }
  auto text = util::read_file(path, k_max_config_bytes);
  if (!text) {
    // The problem is already placed at `path`; "path: path: ..." would say it twice.
    std::string_view message = text.error().message();
    if (message.starts_with(path + ": "))
      message.remove_prefix(path.size() + 2);
    const std::string hint = text.error().code() != Errc::invalid_input
                                 ? "check the path; `acpctl init > cluster.yaml` writes an example"
                             : message.starts_with("not a regular file")
                                 ? "give the path of the cluster config, e.g. -f cluster.yaml"
                                 : "a cluster config is a few KiB; is this the right file?";
    return single_problem(path, 0, 0, std::string(message), hint);
  }
  return load_text(*text, path);
}

Result<Cluster> load_valid(const std::string& path) {
  auto loaded = load_file(path);
  if (loaded.ok())
    return std::move(*loaded.cluster);
  std::string message = fmt::format("{} has {} problem{}:", path == "-" ? "<stdin>" : path,
                                    loaded.problems.size(), loaded.problems.size() == 1 ? "" : "s");
  for (const auto& p : loaded.problems)
    message += "\n  " + p.describe();
  return Error(Errc::invalid_input, message)
      .with_hint(fmt::format("run `acpctl validate -f {}` for details", path));
}

} // namespace acp::config
