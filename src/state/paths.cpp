#include "acpctl/state/node_state.hpp"

#include <fmt/format.h>

namespace acp::state {

std::string component_dir(std::string_view name, std::string_view version) {
  return fmt::format("{}/{}/{}", k_components_root, name, version);
}

std::string current_link(std::string_view name) {
  return fmt::format("{}/{}/{}", k_components_root, name, k_current_link);
}

} // namespace acp::state
