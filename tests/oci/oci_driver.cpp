// A test-only driver for the OCI client (tests/lab/oci_client.sh): one operation per run against
// a real registry. Never installed or packaged.
//
//   oci_driver push --layout DIR [--parallel N] [--chunk-threshold BYTES] [--chunk-size BYTES]
//              REGISTRY-FLAGS IMAGE...      IMAGE = NAME=REPOSITORY:TAG, NAME the layout's
//                                           ref.name annotation or a manifest digest; prints
//                                           one JSON line per event, then {"report":{...}}
//   oci_driver digest REGISTRY-FLAGS REPOSITORY REFERENCE   prints the digest, or "absent"
//   oci_driver ping REGISTRY-FLAGS                          prints "ok"
//
//   REGISTRY-FLAGS: --registry HOST:PORT [--name NAME] [--plain] [--ca-file PEM] [--user USER]
//                   [--timeout SECONDS] [--debug]
//
// The password comes from OCI_PASSWORD (never argv). Errors: Error::describe() on stderr,
// exit 1; a bad command line exits 2.

#include "acpctl/oci/push.hpp"
#include "acpctl/oci/registry.hpp"
#include "acpctl/util/log.hpp"

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

struct Args {
  std::string op;
  acp::oci::Registry registry;
  std::string layout;
  acp::oci::PushOptions options;
  std::vector<std::string> rest;
  bool debug = false;
};

int usage(const std::string& why) {
  std::cerr << "oci_driver: " << why
            << "\nusage: oci_driver push --layout DIR [--parallel N] [--chunk-threshold B] "
               "[--chunk-size B] FLAGS NAME=REPO:TAG... | digest FLAGS REPO REF | ping FLAGS\n"
               "FLAGS: --registry HOST:PORT [--name N] [--plain] [--ca-file PEM] [--user U] "
               "[--timeout S] [--debug]; the password from OCI_PASSWORD\n";
  return 2;
}

int fail(const acp::Error& error) {
  std::cerr << error.describe() << "\n";
  return 1;
}

// Parses argv into `args`; false (after a message) for a bad command line.
bool parse(const std::vector<std::string>& argv, Args& args) {
  args.op = argv.empty() ? "" : argv[0];
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    const bool has_value = i + 1 < argv.size();
    const auto value = [&] { return argv[++i]; };
    if (a == "--plain")
      args.registry.plain_http = true;
    else if (a == "--debug")
      args.debug = true;
    else if (!a.starts_with("--"))
      args.rest.push_back(a);
    else if (!has_value)
      return false;
    else if (a == "--registry")
      args.registry.host = value();
    else if (a == "--name")
      args.registry.name = value();
    else if (a == "--ca-file")
      args.registry.ca_file = value();
    else if (a == "--user")
      args.registry.username = value();
    else if (a == "--timeout")
      args.registry.timeout = std::chrono::seconds(std::stoi(value()));
    else if (a == "--layout")
      args.layout = value();
    else if (a == "--parallel")
      args.options.parallel_blobs = std::stoi(value());
    else if (a == "--chunk-threshold")
      args.options.chunk_threshold = std::stoull(value());
    else if (a == "--chunk-size")
      args.options.chunk_size = std::stoull(value());
    else
      return false;
  }
  return !args.registry.host.empty();
}

// NAME=REPOSITORY:TAG against the layout.
bool image_source(const acp::oci::Layout& layout, const std::string& arg,
                  acp::oci::ImageSource& out) {
  const auto eq = arg.find('=');
  const auto colon = arg.rfind(':');
  if (eq == std::string::npos || colon == std::string::npos || colon < eq)
    return false;
  const std::string name = arg.substr(0, eq);
  const auto* entry = layout.find(name);
  out.manifest_digest = entry != nullptr ? entry->digest : name;
  out.repository = arg.substr(eq + 1, colon - eq - 1);
  out.tag = arg.substr(colon + 1);
  out.display = out.repository + ":" + out.tag;
  return true;
}

int push(Args& args) {
  auto layout = acp::oci::Layout::open(args.layout);
  if (!layout)
    return fail(layout.error());
  std::vector<acp::oci::ImageSource> images(args.rest.size());
  for (std::size_t i = 0; i < args.rest.size(); ++i)
    if (!image_source(*layout, args.rest[i], images[i]))
      return usage("an image is NAME=REPOSITORY:TAG, not " + args.rest[i]);
  args.options.on_event = [](const acp::oci::PushEvent& e) {
    std::cout << nlohmann::json{{"event", acp::oci::to_string(e.kind)},
                                {"registry", e.registry},
                                {"image", e.image},
                                {"digest", e.digest},
                                {"bytes", e.bytes}}
                     .dump()
              << std::endl;
  };
  auto report = acp::oci::push(*layout, images, args.registry, args.options);
  if (!report)
    return fail(report.error());
  std::cout << nlohmann::json{{"report",
                               {{"bytes_uploaded", report->bytes_uploaded},
                                {"blobs_uploaded", report->blobs_uploaded},
                                {"blobs_existing", report->blobs_existing},
                                {"blobs_mounted", report->blobs_mounted},
                                {"manifests_pushed", report->manifests_pushed},
                                {"manifests_existing", report->manifests_existing}}}}
                   .dump()
            << "\n";
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  Args args;
  try {
    if (!parse(std::vector<std::string>(argv + 1, argv + argc), args))
      return usage("bad arguments");
  } catch (const std::exception&) { // std::stoi of a flag's value
    return usage("a number flag's value is no number");
  }
  acp::log::configure({args.debug ? acp::log::Level::debug : acp::log::Level::info, false, ""});
  if (const char* password = std::getenv("OCI_PASSWORD"))
    args.registry.password = password;
  try {
    if (args.op == "push" && !args.layout.empty() && !args.rest.empty())
      return push(args);
    if (args.op == "digest" && args.rest.size() == 2) {
      auto digest = acp::oci::remote_digest(args.registry, args.rest[0], args.rest[1]);
      if (!digest)
        return fail(digest.error());
      std::cout << (*digest ? **digest : "absent") << "\n";
      return 0;
    }
    if (args.op == "ping" && args.rest.empty()) {
      auto st = acp::oci::ping(args.registry);
      if (!st)
        return fail(st.error());
      std::cout << "ok\n";
      return 0;
    }
  } catch (const acp::Failure& f) {
    return fail(f.error());
  }
  return usage("unknown operation or wrong number of arguments");
}
