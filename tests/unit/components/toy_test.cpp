// A toy component, registered with one row, planned and applied through the fake transport
// by the unchanged planner and runner: the proof that a component is one folder (here, this
// file) and one registration. Its two stages also exercise typed params, a workstation
// step, the apply-time output store (a secret token) and a facts probe.

#include "../runner/apply_fixture.hpp"
#include "acpctl/facts/gather.hpp"
#include "acpctl/plan/plan_file.hpp"
#include "acpctl/plan/render.hpp"
#include "acpctl/stages/component.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/util/log.hpp"

#include <doctest/doctest.h>

using namespace acp;
using namespace acp::test;

namespace {

// ---- the toy component: what a folder under src/components/ would hold ----

struct ToyParams {
  std::string greeting;
  bool operator==(const ToyParams&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ToyParams, greeting)

constexpr const char* k_token_key = "toy.token";
std::string g_token_seen; // what the node steps read from the output store

// One workstation step mints the join token.
Status plan_token(const plan::PlanInput&, std::span<const plan::HostContext> hosts,
                  std::vector<plan::Step>& out) {
  bool needed = false;
  for (const auto& h : hosts)
    needed = needed || !h.facts.state.find_record("toy");
  if (!needed)
    return {};
  plan::Step s;
  s.target = plan::Target::workstation;
  s.component = "toy";
  s.reason = "mint a join token";
  out.push_back(std::move(s));
  return {};
}

Result<state::StateChange> apply_token(const plan::Step&, stages::StepContext& ctx) {
  const std::string token = "tok-" + std::to_string(::getpid()) + "-s3cr3t";
  ctx.outputs->put(k_token_key, token, stages::Outputs::Kind::secret);
  log::info("minted " + token); // a careless component: the log masks it
  return state::StateChange::nothing();
}

void plan_node(const plan::PlanInput&, const plan::HostContext& host,
               std::vector<plan::Step>& out) {
  if (host.facts.state.find_record("toy"))
    return;
  plan::Step s;
  s.component = "toy";
  s.digest = "sha256:toy";
  s.reason = "join the toy";
  s.params = plan::make_params(ToyParams{"hello from " + host.node.name});
  out.push_back(std::move(s));
}

Result<state::StateChange> apply_node(const plan::Step& step, stages::StepContext& ctx) {
  const auto token = ctx.outputs ? ctx.outputs->get(k_token_key) : std::nullopt;
  if (!token)
    return Error(Errc::failed, "no join token: the workstation step did not run");
  g_token_seen = *token;
  const auto* params = step.params_as<ToyParams>();
  REQUIRE(params != nullptr);
  if (auto r = ctx.actions.upload_text(params->greeting + "\n", "/etc/acp/toy/greeting", 0644); !r)
    return std::move(r).error();
  if (auto r = ctx.actions.run({"toy-join", "--greeting", params->greeting}); !r)
    return std::move(r).error();
  log::info("joined with " + *token);
  return state::StateChange::put_record(stages::platform_record(
      "toy", step.digest, {{"/etc/acp/toy/greeting", params->greeting + "\n", 0644}}, {}, "", {}));
}

std::any parse_toy(const facts::ProbeSections& sections) {
  return sections.contains("greeting") ? sections.at("greeting") : std::string();
}

std::vector<preflight::PortClaim> toy_ports(const config::Cluster&) {
  return {{{}, {7777}, "toy"}};
}

const std::array<stages::Phase, 2> k_toy_phases{{
    {{"toy-token", 5, "mint the toy's join token", nullptr, plan_token, false, nullptr},
     apply_token,
     nullptr},
    {{"toy", 6, "join every node to the toy", plan_node, nullptr, false,
      plan::parse_params<ToyParams>},
     apply_node,
     nullptr},
}};

// ---- its one registration row ----
const stages::Component k_toy{
    "toy",     k_toy_phases, {"toy", "s toy-greeting; cat /etc/acp/toy/greeting", parse_toy},
    toy_ports, nullptr,      nullptr};
const stages::Registry k_registry({&k_toy});

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

} // namespace

TEST_SUITE("components::toy") {
  TEST_CASE("one registration row: planned and applied by the unchanged planner and runner") {
    Fixture f(Signing::signed_with_key, &k_registry);
    REQUIRE(f.session);
    const auto p = f.plan();
    REQUIRE(p.steps.size() == 4);
    CHECK(p.steps[0].stage == "toy-token");
    CHECK(p.steps[0].target == plan::Target::workstation);
    CHECK(p.steps[0].host.empty());
    CHECK(p.hosts() == std::vector<std::string>{"cp-1", "cp-2", "cp-3"});
    CHECK(p.steps[1].params_as<ToyParams>()->greeting == "hello from cp-1");
    const auto text = plan::render_text(p);
    CHECK(text.starts_with("workstation:\n  + toy "));
    CHECK(contains(text, "# toy: join the toy"));

    const auto report = f.apply(p);
    REQUIRE(report.ok());
    for (const auto& [name, node] : f.nodes) {
      CAPTURE(name);
      CHECK(node->files().at("/etc/acp/toy/greeting").content == "hello from " + name + "\n");
      CHECK(has_line(node->log("run "), "toy-join --greeting"));
      CHECK(contains(node->last_state, "\"toy\""));
    }
    CHECK(g_token_seen.ends_with("-s3cr3t"));
    // Converged: the facts now show the record, so nothing is planned.
    for (auto& [name, facts] : f.gathered.facts)
      facts.state = state::parse_state(f.nodes.at(name)->last_state, name).take();
    CHECK(f.plan().steps.empty());
  }

  TEST_CASE("its probe, ports and typed params go through the generic paths") {
    const auto probes = k_registry.probes();
    REQUIRE(probes.size() == 1);
    const auto script = facts::script(probes);
    CHECK(contains(script, "s toy-greeting"));
    const auto parsed = facts::parse_facts(
        "@@acp-facts begin 1\n@@acp-facts toy-greeting\nhi\n@@acp-facts end\n", "n1", probes);
    REQUIRE(parsed.ok());
    REQUIRE(parsed->component<std::string>("toy") != nullptr);
    CHECK(*parsed->component<std::string>("toy") == "hi");
    CHECK(k_registry.port_claims({}).at(0).ports == std::vector<int>{7777});

    // A saved toy step's params come back as the toy's type, strictly.
    const auto* stage = plan::find_stage(k_registry.stages(), "toy");
    REQUIRE(stage != nullptr);
    auto back = stage->parse_params({{"greeting", "hi"}});
    REQUIRE(back.ok());
    CHECK(dynamic_cast<const plan::TypedParams<ToyParams>*>(back->get())->value().greeting == "hi");
    CHECK_FALSE(stage->parse_params({{"greeting", "hi"}, {"extra", 1}}).ok());
    CHECK_FALSE(stage->parse_params({{"greting", "hi"}}).ok());
  }

  TEST_CASE("a secret step output never reaches the plan file, the log or the JSON events") {
    Fixture f(Signing::signed_with_key, &k_registry);
    REQUIRE(f.session);
    const auto log_file = f.dir.path() / "acpctl.log";
    log::configure({log::Level::info, false, log_file.string()});
    const auto p = f.plan();
    const auto plan_file = f.dir.path() / "plan.json";
    REQUIRE(plan::save_plan(p, plan_file).ok());
    std::ostringstream json;
    const auto progress = make_json_progress(json);
    const auto report = apply_plan(*f.session, p, f.gathered, *progress, {4, false, false, "t"});
    log::configure({});
    REQUIRE(report.ok());
    REQUIRE(report->ok());
    REQUIRE(g_token_seen.ends_with("-s3cr3t"));
    const auto logged = util::read_file(log_file).take();
    CHECK(contains(logged, "minted ***"));
    CHECK(contains(logged, "joined with ***"));
    CHECK_FALSE(contains(logged, g_token_seen));
    CHECK_FALSE(contains(json.str(), g_token_seen));
    CHECK(contains(json.str(), "\"host\":\"workstation\""));
    CHECK(contains(json.str(), "\"stage\":\"toy-token\""));
    CHECK_FALSE(contains(util::read_file(plan_file).take(), g_token_seen));
    for (const auto& [name, node] : f.nodes) {
      CHECK_FALSE(contains(node->last_state, g_token_seen));
      for (const auto& line : node->log())
        CHECK_FALSE(contains(line, g_token_seen));
    }
  }

  TEST_CASE("a saved plan with a stage this registry does not have is refused") {
    Fixture f(Signing::signed_with_key, &k_registry);
    REQUIRE(f.session);
    const auto plan_file = f.dir.path() / "plan.json";
    REQUIRE(plan::save_plan(f.plan(), plan_file).ok());
    REQUIRE(plan::load_plan(plan_file, k_registry.stages()).ok());
    const auto other = plan::load_plan(plan_file, acp::components::registry().stages());
    REQUIRE_FALSE(other.ok());
    CHECK(contains(other.error().message(), "step 1: unknown stage \"toy-token\""));
  }
}
