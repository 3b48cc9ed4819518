#pragma once
// The options every command that takes a package shares: --key and --insecure-skip-signature
// (package::decide_trust decides with them).

#include "app.hpp"

#include <string>

namespace acp::cli {

/// Registers --key PUB and --insecure-skip-signature (excluding each other) on `cmd`.
void add_trust_options(App& app, CLI::App* cmd, std::string& key, bool& insecure);

} // namespace acp::cli
