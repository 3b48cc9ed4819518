// The package's images on the registries: pushed in parallel per registry, listed per tag.

#include "acpctl/runner/images.hpp"

#include "acpctl/components/platform_registry/registry.hpp"
#include "acpctl/oci/reference.hpp"
#include "acpctl/package/verify.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/transport/parallel.hpp"
#include "acpctl/util/fs.hpp"

#include <chrono>
#include <fmt/format.h>
#include <regex>

namespace acp::runner {

namespace {

bool on_this_machine(const std::string& host) {
  return host.starts_with("127.") || host.starts_with("localhost:") || host.starts_with("[::1]:");
}

// A registry named on the command line: the cluster CA when acpctl made one, spec.registry's
// credentials when the config has them.
Result<oci::Registry> named_registry(const config::Cluster& cluster, const std::string& host,
                                     const ImagesOptions& options) {
  static const std::regex k_host("([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:]+\\]):[0-9]{1,5}");
  if (!std::regex_match(host, k_host))
    return Error(Errc::usage, fmt::format("--registry {} is not host:port", host))
        .with_hint("e.g. --registry 192.168.10.100:11443");
  oci::Registry r;
  r.name = host;
  r.host = host;
  r.plain_http = options.plain;
  const auto ca = pki::admin_client(pki::cluster_dir(cluster)).ca;
  if (!options.registry_ca.empty())
    r.ca_file = options.registry_ca;
  else if (std::error_code ec; std::filesystem::exists(ca, ec))
    r.ca_file = ca.string();
  if (cluster.registry && !cluster.registry->password.empty()) {
    if (options.plain && !on_this_machine(host))
      return Error(Errc::usage,
                   fmt::format("--plain would send spec.registry's password in clear text to {}",
                               host))
          .with_hint("use TLS (the cluster CA, or --registry-ca FILE); plain HTTP with "
                     "credentials only to a registry on 127.0.0.1, [::1] or localhost");
    auto secret = platform_registry::password(cluster);
    if (!secret)
      return std::move(secret).error();
    r.username = cluster.registry->username;
    r.password = std::move(*secret);
  }
  return r;
}

RegistryPush push_one(const oci::Layout& layout, const std::vector<oci::ImageSource>& sources,
                      const oci::Registry& registry, const oci::PushOptions& options) {
  RegistryPush out;
  out.name = registry.name;
  out.host = registry.host;
  const auto start = std::chrono::steady_clock::now();
  auto report = oci::push(layout, sources, registry, options);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (report)
    out.report = *report;
  else
    out.error = report.error();
  return out;
}

// What `registry` holds under each image's tag.
void ask(const oci::Registry& registry, const std::vector<oci::ImageSource>& sources,
         std::vector<ImageRow>& rows, std::size_t column) {
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto d = oci::remote_digest(registry, sources[i].repository, sources[i].tag);
    rows[i].held[column] = !d ? "error: " + d.error().message() : d->value_or(std::string());
  }
}

} // namespace

Result<std::vector<oci::Registry>> image_registries(const Session& session,
                                                    const ImagesOptions& options) {
  const auto& cluster = session.cluster();
  std::vector<oci::Registry> out;
  for (const auto& host : options.registries) {
    auto r = named_registry(cluster, host, options);
    if (!r)
      return std::move(r).error();
    out.push_back(std::move(*r));
  }
  if (!out.empty())
    return out;
  if (options.plain)
    return Error(Errc::usage, "--plain needs --registry: the replicas always use TLS");
  for (const auto* node : cluster.nodes_with(config::Role::control_plane)) {
    auto r = platform_registry::replica(cluster, *node);
    if (!r)
      return std::move(r).error();
    out.push_back(std::move(*r));
  }
  if (out.empty())
    return Error(Errc::invalid_input, "the config has no control-plane node to hold a replica");
  return out;
}

Result<std::vector<RegistryPush>> push_images(const Session& session,
                                              const ImagesOptions& options) {
  if (!session.package() || !session.trust())
    return Error(Errc::usage, "images push needs a trusted package (--package)");
  auto registries = image_registries(session, options);
  if (!registries)
    return std::move(registries).error();
  auto sources = platform_registry::image_sources(session.package()->manifest);
  if (!sources)
    return std::move(sources).error();
  util::TempDir temp("acpctl-images");
  package::UnpackOptions uo;
  uo.public_key = session.trust()->key;
  uo.images = true;
  auto unpacked = package::unpack(*session.options().package, temp.path() / "u", uo);
  if (!unpacked)
    return Error(std::move(unpacked).error()).context("unpacking the package's images");
  if ("sha256:" + unpacked->manifest_sha256 != session.package_digest())
    return Error(Errc::verify, "the package changed while it was read; nothing was pushed");
  auto layout = oci::Layout::open(temp.path() / "u" / "images");
  if (!layout)
    return std::move(layout).error();
  oci::PushOptions po;
  po.parallel_blobs = options.parallel_blobs;
  po.on_event = options.on_event;
  std::vector<RegistryPush> out(registries->size());
  transport::run_bounded<bool>(registries->size(), static_cast<int>(registries->size()),
                               [&](std::size_t i) -> Result<bool> {
                                 out[i] = push_one(*layout, *sources, (*registries)[i], po);
                                 return true;
                               });
  return out;
}

Result<std::vector<ImageRow>> list_images(const Session& session,
                                          const std::vector<oci::Registry>& registries) {
  if (!session.package())
    return Error(Errc::usage, "images list needs the package (--package)");
  auto sources = platform_registry::image_sources(session.package()->manifest);
  if (!sources)
    return std::move(sources).error();
  std::vector<ImageRow> rows;
  for (const auto& s : *sources)
    rows.push_back({s.display, s.manifest_digest, std::vector<std::string>(registries.size())});
  transport::run_bounded<bool>(registries.size(), static_cast<int>(registries.size()),
                               [&](std::size_t r) -> Result<bool> {
                                 ask(registries[r], *sources, rows, r);
                                 return true;
                               });
  return rows;
}

} // namespace acp::runner
