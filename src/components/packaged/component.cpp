// Registration of the package's own components: distribute first, their services after the
// platform stages, removals last.

#include "acpctl/components/registry.hpp"
#include "acpctl/stages/platform.hpp"
#include "packaged.hpp"

#include <array>

namespace acp::components {

namespace {

using namespace acp::packaged;

const std::array<stages::Phase, 4> k_phases{{
    {{"distribute", 10, "put component files in place and switch their current link",
      plan_distribute, nullptr, false, plan::parse_params<DistributeParams>},
     apply_distribute,
     nullptr,
     true,
     false,
     prestage_distribute},
    {{"services", 50, "set up and (re)start the components' services", plan_services, nullptr,
      false, plan::parse_params<ServiceParams>},
     apply_services,
     nullptr},
    {{"prune", 90, "stop and delete components no longer wanted on a node", plan_prune, nullptr,
      false, plan::parse_params<stages::RecordParams>},
     apply_prune,
     nullptr,
     false,
     true},
    {{"release", 95, "record the release a node runs; keep two versions of each component",
      plan_release, nullptr, false, plan::parse_params<ReleaseParams>},
     apply_release,
     nullptr},
}};

} // namespace

const stages::Component& packaged() {
  // Their ports come from the package (runner/session.cpp), not from the config.
  static const stages::Component k_component{"packaged", k_phases, {}, nullptr, nullptr, nullptr};
  return k_component;
}

} // namespace acp::components
