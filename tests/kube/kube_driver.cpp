// A test-only driver for the Kubernetes API client (tests/kube/client_loopback.sh): one
// operation per run against an API server. Never installed or packaged.
//
//   kube_driver readyz FLAGS            prints "ok", or "not ready: CHECK; CHECK"
//   kube_driver apply FLAGS DIR         load_manifests + apply_all; one JSON line per event
//   kube_driver apply-file FLAGS FILE   apply() of each object in FILE; prints each live object
//   kube_driver create FLAGS FILE       create() of each object in FILE; prints each live object
//   kube_driver get FLAGS PATH          prints the object at PATH as JSON, or "absent"
//   kube_driver pods FLAGS NODE         one JSON line per pod bound to NODE
//   kube_driver drain FLAGS NODE SECONDS
//   kube_driver delete-node FLAGS NODE  prints "ok"
//
//   FLAGS: --server URL --ca PEM --cert PEM --key PEM [--timeout SECONDS] [--debug]
//          [--log FILE] (every debug line appended to FILE)
//
// Errors: Error::describe() on stderr, exit 1; a bad command line exits 2.

#include "acpctl/kube/api.hpp"
#include "acpctl/kube/manifests.hpp"
#include "acpctl/kube/nodes.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/log.hpp"

#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

using acp::kube::ApiTarget;

struct Args {
  std::string op{};
  std::map<std::string, std::string> flags{};
  std::vector<std::string> rest{};
  bool debug = false;
};

int usage(const std::string& why) {
  std::cerr << "kube_driver: " << why
            << "\nusage: kube_driver readyz|apply DIR|apply-file FILE|create FILE|get PATH|"
               "pods NODE|drain NODE SECONDS|delete-node NODE --server URL --ca PEM --cert PEM "
               "--key PEM [--timeout S] [--debug] [--log FILE]\n";
  return 2;
}

int fail(const acp::Error& error) {
  std::cerr << error.describe() << "\n";
  return 1;
}

bool parse(const std::vector<std::string>& argv, Args& args) {
  args.op = argv.empty() ? "" : argv[0];
  for (std::size_t i = 1; i < argv.size(); ++i) {
    if (argv[i] == "--debug")
      args.debug = true;
    else if (!argv[i].starts_with("--"))
      args.rest.push_back(argv[i]);
    else if (i + 1 < argv.size())
      args.flags[argv[i].substr(2)] = argv[i + 1], ++i;
    else
      return false;
  }
  for (const char* needed : {"server", "ca", "cert", "key"})
    if (!args.flags.contains(needed))
      return false;
  return true;
}

ApiTarget target_of(const Args& args) {
  ApiTarget t;
  t.server = args.flags.at("server");
  t.ca_pem = acp::util::read_file(args.flags.at("ca")).take();
  t.client_cert_pem = acp::util::read_file(args.flags.at("cert")).take();
  t.client_key_pem = acp::util::read_file(args.flags.at("key")).take();
  if (args.flags.contains("timeout"))
    t.timeout = std::chrono::seconds(std::stoi(args.flags.at("timeout")));
  return t;
}

int print(const acp::Result<nlohmann::json>& live) {
  if (!live)
    return fail(live.error());
  std::cout << live->dump() << "\n";
  return 0;
}

int objects_of_file(const Args& args, const ApiTarget& t, bool create) {
  auto objects =
      acp::kube::parse_manifests(acp::util::read_file(args.rest[0]).take(), args.rest[0]);
  if (!objects)
    return fail(objects.error());
  for (const auto& object : *objects)
    if (int rc = print(create ? acp::kube::create(t, object) : acp::kube::apply(t, object)))
      return rc;
  return 0;
}

int apply_dir(const Args& args, const ApiTarget& t) {
  auto objects = acp::kube::load_manifests(args.rest[0]);
  if (!objects)
    return fail(objects.error());
  auto st = acp::kube::apply_all(t, *objects, [](const acp::kube::ApplyEvent& e) {
    const bool ready = e.stage == acp::kube::ApplyEvent::Stage::ready;
    std::cout << nlohmann::json{{"object", e.object}, {"stage", ready ? "ready" : "applied"}}
              << std::endl;
  });
  return st ? 0 : fail(st.error());
}

int print_readyz(const ApiTarget& t) {
  auto health = acp::kube::readyz(t);
  if (!health)
    return fail(health.error());
  std::string text = health->ok ? "ok" : "not ready:";
  for (const auto& check : health->failing)
    text += " " + check + ";";
  std::cout << text << "\n";
  return 0;
}

int run(const Args& args, const ApiTarget& t) {
  const std::size_t n = args.rest.size();
  if (args.op == "readyz" && n == 0)
    return print_readyz(t);
  if (args.op == "apply" && n == 1)
    return apply_dir(args, t);
  if ((args.op == "apply-file" || args.op == "create") && n == 1)
    return objects_of_file(args, t, args.op == "create");
  if (args.op == "get" && n == 1) {
    auto live = acp::kube::get(t, args.rest[0]);
    if (!live)
      return fail(live.error());
    std::cout << (*live ? (*live)->dump() : "absent") << "\n";
    return 0;
  }
  if (args.op == "pods" && n == 1) {
    auto pods = acp::kube::list_pods_on(t, args.rest[0]);
    if (!pods)
      return fail(pods.error());
    for (const auto& p : *pods)
      std::cout << nlohmann::json{{"namespace", p.ns},
                                  {"name", p.name},
                                  {"daemonset", p.daemonset},
                                  {"mirror", p.mirror}}
                << "\n";
    return 0;
  }
  acp::Status st;
  if (args.op == "drain" && n == 2)
    st = acp::kube::drain(t, args.rest[0], std::chrono::seconds(std::stoi(args.rest[1])));
  else if (args.op == "delete-node" && n == 1)
    st = acp::kube::delete_node(t, args.rest[0]);
  else
    return usage("unknown operation or wrong number of arguments");
  if (!st)
    return fail(st.error());
  std::cout << "ok\n";
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(std::vector<std::string>(argv + 1, argv + argc), args))
    return usage("bad arguments");
  const std::string log_file = args.flags.contains("log") ? args.flags.at("log") : "";
  acp::log::configure(
      {args.debug ? acp::log::Level::debug : acp::log::Level::info, false, log_file});
  try {
    return run(args, target_of(args));
  } catch (const acp::Failure& f) {
    return fail(f.error());
  } catch (const std::exception&) { // std::stoi of a number
    return usage("a number is no number");
  }
}
