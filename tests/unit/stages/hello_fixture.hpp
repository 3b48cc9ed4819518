#pragma once
// The component `hello` 1.0.0 (bin/hello, a service; optionally the symlink bin/alias) as the
// stages see it: its package entry, its DesiredComponent, runit facts, an empty node state
// and a FakeTransport node "n1".

#include "acpctl/plan/from_package.hpp"
#include "acpctl/stages/step.hpp"
#include "acpctl/transport/fake.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace test {

struct HelloFixture {
  acp::util::TempDir dir{"stages-test"};
  acp::package::Component component;
  acp::plan::DesiredComponent desired;
  acp::facts::HostFacts facts;
  acp::state::NodeState state;
  acp::transport::FakeTransport node{"n1"};
  std::unique_ptr<acp::service::ServiceManager> runit = acp::service::make_runit();
  acp::stages::Actions actions{node, false};

  explicit HelloFixture(const std::string& content = "#!/bin/sh\nexec sleep 1000\n",
                        bool with_alias = false) {
    std::filesystem::create_directories(dir.path() / "components/hello/bin");
    acp::util::write_file_atomic(dir.path() / "components/hello/bin/hello", content).take();
    component.name = "hello";
    component.version = "1.0.0";
    component.files.push_back(
        {"components/hello/bin/hello", content.size(), 0755, acp::util::sha256_hex(content), ""});
    if (with_alias)
      component.files.push_back({"components/hello/bin/alias", 0, 0, "", "hello"});
    acp::package::Service service;
    service.command = {"bin/hello"};
    component.service = service;
    acp::package::Manifest m;
    m.components.push_back(component);
    desired = acp::plan::desired_from_manifest(m).take().front();
    facts.service_manager = acp::facts::ServiceManagerKind::runit;
  }

  acp::plan::Step step(std::string stage, acp::plan::Action action,
                       std::string name = "hello") const {
    return {"n1", std::move(stage), action, std::move(name), "", "1.0.0", desired.digest, "test"};
  }
  /// What a stage's apply half gets for one step on n1, through `actions`; without the
  /// component (prune of something the package no longer has) when `with_component` is false.
  acp::stages::StepContext context(bool with_component = true) {
    return {actions,
            facts,
            state,
            with_component ? &desired : nullptr,
            with_component ? &component : nullptr,
            dir.path(),
            runit.get()};
  }

  /// True if some command line sent to the node contains `needle`.
  bool ran(const std::string& needle) const {
    for (const auto& c : node.calls())
      if (c.line.find(needle) != std::string::npos)
        return true;
    return false;
  }
  /// True if a command with exactly `argv` was sent.
  bool ran_argv(const std::vector<std::string>& argv) const {
    for (const auto& c : node.calls())
      if (c.command.argv == argv)
        return true;
    return false;
  }
};

} // namespace test
