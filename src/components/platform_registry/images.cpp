// Stage "images": fills each replica with the package's images from its OCI layout, through
// acpctl's own distribution client (blobs a replica has are not sent again).

#include "acpctl/components/platform_registry/registry.hpp"
#include "acpctl/oci/reference.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/ipaddr.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace acp::platform_registry {

namespace {

std::vector<std::string> package_images(std::span<const plan::DesiredComponent> components) {
  std::set<std::string> all;
  for (const auto& c : components)
    all.insert(c.images.begin(), c.images.end());
  return {all.begin(), all.end()};
}

} // namespace

Result<std::vector<oci::ImageSource>> image_sources(const package::Manifest& manifest) {
  std::vector<oci::ImageSource> out;
  std::set<std::string> seen;
  for (const auto& c : manifest.components)
    for (const auto& image : c.images) {
      if (!seen.insert(image.ref).second)
        continue;
      auto ref = oci::parse_reference(image.ref);
      if (!ref)
        return Error(std::move(ref).error()).context("component " + c.name);
      out.push_back(
          {image.digest, ref->repository, ref->digest.empty() ? ref->tag : ref->digest, image.ref});
    }
  return out;
}

std::string images_digest(std::span<const std::string> images) {
  std::vector<std::string> sorted(images.begin(), images.end());
  std::sort(sorted.begin(), sorted.end());
  return "sha256:" + util::sha256_hex(util::join(sorted, "\n"));
}

Result<oci::Registry> replica(const config::Cluster& cluster, const config::Node& node) {
  if (!cluster.registry)
    return Error(Errc::invalid_input, "the config has no spec.registry")
        .with_hint("add spec.registry (address, username, password) to the config");
  auto secret = password(cluster);
  if (!secret)
    return std::move(secret).error();
  oci::Registry r;
  r.name = node.name;
  r.host = util::host_port(node.address, cluster.registry->port);
  r.ca_file = pki::admin_client(pki::cluster_dir(cluster)).ca.string();
  r.username = cluster.registry->username;
  r.password = std::move(*secret);
  return r;
}

void plan_images(const plan::PlanInput& input, const plan::HostContext& host,
                 std::vector<plan::Step>& out) {
  const std::string registry(k_name);
  if (!input.platform || input.platform->of(host.node.name, registry).empty() ||
      !plan::binary_component(host, registry))
    return;
  const auto images = package_images(input.components);
  if (images.empty())
    return;
  const auto digest = images_digest(images);
  const auto* have = host.facts.state.find_record(std::string(k_images_record));
  if (have && have->digest == digest)
    return;
  plan::Step step;
  step.action = have ? plan::Action::change : plan::Action::create;
  step.component = std::string(k_images_record);
  step.reason = fmt::format("push the package's {} images to the replica on :{}", images.size(),
                            input.cluster.registry->port);
  step.digest = digest;
  out.push_back(std::move(step));
}

Result<state::StateChange> apply_images(const plan::Step& step, stages::StepContext& ctx) {
  if (!ctx.node || !ctx.platform)
    return Error(Errc::failed, "the images step has no node or config");
  auto text = util::read_file(ctx.unpacked / package::k_manifest_name);
  if (!text)
    return std::move(text).error();
  auto manifest = package::parse_manifest(*text, (ctx.unpacked / "package.yaml").string());
  if (!manifest)
    return std::move(manifest).error();
  std::vector<std::string> listed;
  for (const auto& c : manifest->components)
    for (const auto& image : c.images)
      listed.push_back(image.ref + "@" + image.digest);
  std::sort(listed.begin(), listed.end());
  listed.erase(std::unique(listed.begin(), listed.end()), listed.end());
  if (auto ok = stages::check_digest("the package's images", images_digest(listed), step.digest);
      !ok)
    return std::move(ok).error();
  auto sources = image_sources(*manifest);
  if (!sources)
    return std::move(sources).error();
  auto target = replica(ctx.platform->cluster, *ctx.node);
  if (!target)
    return std::move(target).error();
  auto layout = oci::Layout::open(ctx.unpacked / "images");
  if (!layout)
    return std::move(layout).error();
  if (ctx.actions.dry_run()) {
    log::info(fmt::format("would push {} images to {}", sources->size(), target->host));
  } else {
    auto report = oci::push(*layout, *sources, *target, {});
    if (!report)
      return std::move(report).error();
    log::info(fmt::format("{}: {} images, {} blobs sent ({}), {} already there, {} mounted",
                          target->host, sources->size(), report->blobs_uploaded,
                          util::human_bytes(report->bytes_uploaded), report->blobs_existing,
                          report->blobs_mounted));
  }
  return state::StateChange::put_record(
      stages::platform_record(std::string(k_images_record), step.digest, {}, {}, {}, {}));
}

} // namespace acp::platform_registry
