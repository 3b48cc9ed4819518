#pragma once
// Printing results: text for people, JSON for CI. Commands print through these helpers.

#include "acpctl/util/error.hpp"
#include "app.hpp"

#include <nlohmann/json.hpp>

namespace acp::cli {

/// Version of the JSON documents and events acpctl prints; bumped on incompatible changes.
inline constexpr int k_json_schema = 1;

/// Prints one JSON document on stdout (one line, for tools that read line by line).
void print_json(const nlohmann::json& document);
/// Prints an error: "error: ..." on stderr, and with -o json also an error document on stdout.
void print_error(const GlobalOptions& globals, const Error& error);
/// The JSON form of an error.
nlohmann::json error_json(const Error& error);

} // namespace acp::cli
