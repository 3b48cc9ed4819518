#include "trust_options.hpp"

namespace acp::cli {

void add_trust_options(App& app, CLI::App* cmd, std::string& key, bool& insecure) {
  auto* k = app.path_option(cmd->add_option(
      "--key", key,
      "Public key the package must be signed with; recorded for the cluster on first use, "
      "later runs may omit it (a different key is refused)"));
  cmd->add_flag("--insecure-skip-signature", insecure,
                "Apply a package whose signature is not checked (loud; recorded on every node)")
      ->excludes(k);
}

} // namespace acp::cli
