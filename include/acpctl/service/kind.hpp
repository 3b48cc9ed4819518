#pragma once
// Which supervisor runs services on a host. Facts detect it; service::for_host picks the
// manager for it.

#include <string_view>

namespace acp::service {

/// systemd as PID 1, else runit's runsvdir, else none known.
enum class ManagerKind { systemd, runit, unknown };
std::string_view to_string(ManagerKind kind);

} // namespace acp::service
