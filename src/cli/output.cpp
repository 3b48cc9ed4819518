#include "output.hpp"

#include "acpctl/util/log.hpp"

#include <fmt/format.h>

namespace acp::cli {

void print_json(const nlohmann::json& document) {
  fmt::print("{}\n", document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::fflush(stdout);
}

nlohmann::json error_json(const Error& error) {
  nlohmann::json j = {{"message", log::redact(error.message())}, {"exitCode", error.exit_code()}};
  if (!error.host().empty())
    j["host"] = error.host();
  if (!error.location().file.empty()) {
    j["file"] = error.location().file;
    j["line"] = error.location().line;
    j["column"] = error.location().column;
  }
  if (!error.hint().empty())
    j["hint"] = error.hint();
  return j;
}

void print_error(const GlobalOptions& globals, const Error& error) {
  log::error(error.describe());
  if (globals.json())
    print_json({{"schema", k_json_schema}, {"type", "error"}, {"error", error_json(error)}});
}

} // namespace acp::cli
