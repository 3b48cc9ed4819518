// acpctl upload -f cluster.yaml [--nodes a,b | --role etcd] LOCAL REMOTE: one file to many nodes
// at once, each copy checked by sha256 on the node and renamed into place.

#include "acpctl/config/load.hpp"
#include "acpctl/remote/fanout.hpp"
#include "acpctl/remote/package_gate.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "node_select.hpp"
#include "output.hpp"
#include "trust_options.hpp"

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>

namespace acp::cli {

namespace {

struct Options {
  NodeSelection target;
  bool sudo = false;
  std::string mode = "0644";
  std::string owner;
  std::string local;
  std::string remote;
  std::string key;
  bool insecure = false;
};

int run_upload(const App& app, const Options& o) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.local, ec))
    throw Failure(Error(Errc::usage, o.local + " is not a readable file"));
  unsigned mode = 0;
  const char* end = o.mode.data() + o.mode.size();
  const auto [ptr, parse_ec] = std::from_chars(o.mode.data(), end, mode, 8);
  if (o.mode.empty() || parse_ec != std::errc{} || ptr != end || mode > 07777)
    throw Failure(Error(Errc::usage, fmt::format("--mode must be octal from 0 to 7777, e.g. 0644, "
                                                 "not {}",
                                                 util::quoted(o.mode, 40))));
  if (o.remote.empty() || o.remote.front() != '/' || o.remote.back() == '/')
    throw Failure(Error(Errc::usage, "the remote path must be an absolute file path, not " +
                                         util::quoted(o.remote)));
  const auto cluster = config::load_valid(o.target.file).take();
  const auto nodes = select_nodes(cluster, o.target).take();
  remote::check_if_package(
      cluster, o.local, o.key.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.key),
      o.insecure)
      .take();
  const auto outcomes =
      remote::upload_to_nodes(cluster, nodes, o.local, o.remote,
                              transport::FileSpec{mode, o.owner, o.sudo}, o.target.parallel);
  bool all_ok = true;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& r = outcomes[i].result;
    all_ok = all_ok && r.ok();
    if (app.globals().json()) {
      nlohmann::json doc = {
          {"schema", k_json_schema}, {"type", "upload"}, {"host", nodes[i]->name},
          {"path", o.remote},        {"ok", r.ok()},     {"durationMs", outcomes[i].took.count()}};
      if (r.ok()) {
        doc["skipped"] = r->skipped;
        doc["sha256"] = r->sha256;
        doc["bytes"] = r->bytes;
      } else {
        doc["error"] = error_json(r.error());
      }
      print_json(doc);
    } else if (r.ok()) {
      fmt::print("[{}] {} {} ({}, sha256 {}) in {:.2f}s\n", nodes[i]->name,
                 r->skipped ? "unchanged" : "uploaded", o.remote, util::human_bytes(r->bytes),
                 r->sha256.substr(0, 12), outcomes[i].took.count() / 1000.0);
    } else {
      log::error(r.error().describe());
    }
  }
  return all_ok ? k_exit_ok : k_exit_failed;
}

} // namespace

void add_upload_command(App& app) {
  auto* cmd = app.root().add_subcommand(
      "upload", "Copy a local file to cluster nodes, checked by sha256 and renamed into place");
  auto o = std::make_shared<Options>();
  add_node_selection(app, cmd, o->target);
  cmd->add_option("--mode", o->mode, "File mode on the node (octal)")->capture_default_str();
  cmd->add_option("--owner", o->owner, "Owner on the node (user or user:group)");
  cmd->add_flag("--sudo", o->sudo, "Write as root (sudo when the login user is not root)");
  app.path_option(cmd->add_option("local", o->local, "The local file")->required());
  add_trust_options(app, cmd, o->key, o->insecure);
  cmd->add_option("remote", o->remote, "The absolute path on the nodes")->required();
  app.on(cmd, [&app, o] { return run_upload(app, *o); });
}

} // namespace acp::cli
