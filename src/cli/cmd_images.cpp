// acpctl images push|list -f cluster.yaml --package PKG [--registry HOST:PORT]... [--plain]:
// the package's images on the platform registry's replicas (or the registries named).

#include "acpctl/runner/images.hpp"
#include "acpctl/util/strings.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "trust_options.hpp"

#include <fmt/format.h>
#include <mutex>
#include <unistd.h>

namespace acp::cli {

namespace {

struct Options {
  std::string file;
  std::string package;
  std::string key;
  bool insecure = false;
  std::vector<std::string> registries;
  bool plain = false;
  std::string registry_ca;
  int parallel_blobs = 4;
};

runner::Session open_session(const Options& o) {
  runner::SessionOptions so;
  so.config = o.file;
  so.package = o.package;
  so.insecure_skip_signature = o.insecure;
  so.verify_content = false; // the unpack of the images verifies every byte it reads
  if (!o.key.empty())
    so.public_key = o.key;
  return runner::Session::open(so).take();
}

runner::ImagesOptions images_options(const Options& o) {
  return {o.registries, o.plain, o.registry_ca, o.parallel_blobs, nullptr};
}

// Events: JSON lines with -o json; an image's completion on a terminal; nothing otherwise.
std::function<void(const oci::PushEvent&)> event_printer(const App& app) {
  const bool json = app.globals().json();
  if (!json && !::isatty(STDERR_FILENO))
    return nullptr;
  auto lock = std::make_shared<std::mutex>();
  return [json, lock](const oci::PushEvent& e) {
    std::lock_guard guard(*lock);
    if (json)
      print_json({{"schema", k_json_schema},
                  {"event", oci::to_string(e.kind)},
                  {"registry", e.registry},
                  {"image", e.image},
                  {"digest", e.digest},
                  {"bytes", e.bytes}});
    else if (e.kind == oci::PushEvent::Kind::image_done)
      fmt::print(stderr, "  {}: {} pushed\n", e.registry, e.image);
  };
}

nlohmann::json push_json(const runner::RegistryPush& p) {
  nlohmann::json j = {{"registry", p.name}, {"host", p.host}, {"seconds", p.seconds}};
  if (p.report)
    j.update({{"blobsUploaded", p.report->blobs_uploaded},
              {"bytesUploaded", p.report->bytes_uploaded},
              {"blobsExisting", p.report->blobs_existing},
              {"blobsMounted", p.report->blobs_mounted},
              {"manifestsPushed", p.report->manifests_pushed}});
  if (p.error)
    j["error"] = error_json(*p.error);
  return j;
}

int run_push(const App& app, const Options& o) {
  auto session = open_session(o);
  auto options = images_options(o);
  options.on_event = event_printer(app);
  const auto pushes = runner::push_images(session, options).take();
  int failed = 0;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : pushes) {
    failed += p.error ? 1 : 0;
    list.push_back(push_json(p));
    if (app.globals().json())
      continue;
    if (p.error)
      fmt::print("{} ({}): failed: {}\n", p.name, p.host, p.error->describe());
    else
      fmt::print("{} ({}): {} blobs sent ({}), {} already there, {} mounted, {} manifests, "
                 "{:.1f} s\n",
                 p.name, p.host, p.report->blobs_uploaded,
                 util::human_bytes(p.report->bytes_uploaded), p.report->blobs_existing,
                 p.report->blobs_mounted, p.report->manifests_pushed, p.seconds);
  }
  if (app.globals().json())
    print_json({{"schema", k_json_schema}, {"registries", list}, {"failed", failed}});
  return failed == 0 ? k_exit_ok : k_exit_failed;
}

int run_list(const App& app, const Options& o) {
  auto session = open_session(o);
  const auto registries = runner::image_registries(session, images_options(o)).take();
  const auto rows = runner::list_images(session, registries).take();
  int missing = 0;
  nlohmann::json images = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json held = nlohmann::json::object();
    std::vector<std::string> cells;
    for (std::size_t i = 0; i < registries.size(); ++i) {
      const auto& h = row.held[i];
      const auto state = h == row.digest            ? "ok"
                         : h.empty()                ? "missing"
                         : h.starts_with("error: ") ? "error"
                                                    : "other digest";
      missing += h == row.digest ? 0 : 1;
      held[registries[i].name] = {{"state", state}, {"digest", h}};
      cells.push_back(fmt::format("{}={}", registries[i].name, state));
    }
    images.push_back({{"ref", row.ref}, {"digest", row.digest}, {"registries", held}});
    if (!app.globals().json())
      fmt::print("{}  {}  {}\n", row.ref, row.digest.substr(0, 19), util::join(cells, " "));
  }
  if (app.globals().json())
    print_json({{"schema", k_json_schema}, {"images", images}, {"missing", missing}});
  return missing == 0 ? k_exit_ok : k_exit_failed;
}

void add_common(App& app, CLI::App* cmd, Options& o) {
  app.path_option(cmd->add_option("-f,--file", o.file, "The cluster config")->required());
  app.path_option(
      cmd->add_option("--package", o.package, "The package with the images")->required());
  add_trust_options(app, cmd, o.key, o.insecure);
  cmd->add_option("--registry", o.registries,
                  "Use this registry (HOST:PORT, repeatable) instead of every replica");
  cmd->add_flag("--plain", o.plain, "Plain HTTP to --registry (never for the replicas)");
  app.path_option(cmd->add_option("--registry-ca", o.registry_ca,
                                  "CA bundle for --registry (default: the cluster CA)"));
}

} // namespace

void add_images_command(App& app) {
  auto* images = app.root().add_subcommand(
      "images", "The package's container images on the platform registry's replicas");
  images->require_subcommand(1);
  auto po = std::make_shared<Options>();
  auto* push = images->add_subcommand("push", "Push the package's images to every replica");
  add_common(app, push, *po);
  push->add_option("--parallel-blobs", po->parallel_blobs, "Blob uploads at once per registry")
      ->check(CLI::Range(1, 32));
  push->footer("Blobs a replica already has are not sent again. Exit code 1 if a replica "
               "failed (the others are still pushed).");
  app.on(push, [&app, po] { return run_push(app, *po); });
  auto lo = std::make_shared<Options>();
  auto* list = images->add_subcommand("list", "What each replica holds of the package's images");
  add_common(app, list, *lo);
  list->footer("Exit code 1 if a replica lacks an image or holds another digest under its tag.");
  app.on(list, [&app, lo] { return run_list(app, *lo); });
}

} // namespace acp::cli
