// Manifests from a directory, and the order they are applied in.

#include "acpctl/kube/manifests.hpp"

#include "acpctl/kube/wait.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/strings.hpp"
#include "session.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <system_error>

namespace acp::kube {

namespace {

namespace fs = std::filesystem;

// Applied and awaited before the rest: what other objects live in or are instances of.
bool goes_first(const ObjectRef& ref) {
  return (ref.group.empty() && ref.kind == "Namespace") ||
         (ref.group == "apiextensions.k8s.io" && ref.kind == "CustomResourceDefinition");
}

struct Planned {
  const nlohmann::json* object = nullptr;
  ObjectRef ref{};
};

// Applies `batch` in order, then waits until each is ready.
Status apply_batch(const ApiTarget& target, const std::vector<Planned>& batch,
                   const KindTable& kinds, const ApplyProgress& progress,
                   std::chrono::seconds wait_timeout) {
  for (const auto& p : batch) {
    auto live = apply(target, *p.object, kinds);
    if (!live)
      return std::move(live).error();
    if (progress)
      progress({describe(p.ref), ApplyEvent::Stage::applied});
  }
  for (const auto& p : batch) {
    if (auto st = wait_ready(target, *p.object, kinds, wait_timeout); !st)
      return st;
    if (progress)
      progress({describe(p.ref), ApplyEvent::Stage::ready});
  }
  return {};
}

} // namespace

Result<std::vector<nlohmann::json>> load_manifests(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".yaml" && it->is_regular_file(ec))
      files.push_back(it->path());
  if (ec)
    return Error(Errc::io, fmt::format("cannot read the manifest directory {}: {}",
                                       util::quoted(dir.string()), ec.message()));
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  std::vector<nlohmann::json> objects;
  for (const auto& file : files) {
    auto text = util::read_file(file);
    if (!text)
      return std::move(text).error();
    auto parsed = parse_manifests(*text, file.string());
    if (!parsed)
      return std::move(parsed).error();
    std::move(parsed->begin(), parsed->end(), std::back_inserter(objects));
  }
  return objects;
}

Status apply_all(const ApiTarget& target, const std::vector<nlohmann::json>& objects,
                 const ApplyProgress& progress, std::chrono::seconds wait_timeout) {
  KindTable kinds;
  if (auto st = kinds.learn_crds(objects); !st)
    return std::move(st)
        .error()
        .context("nothing applied to " + describe(target))
        .with_host(host_of(target));
  std::vector<Planned> first;
  std::vector<Planned> rest;
  for (const auto& object : objects) {
    auto ref = detail::target_ref(target, object, kinds);
    if (!ref)
      return std::move(ref).error().context("nothing applied");
    (goes_first(*ref) ? first : rest).push_back(Planned{&object, std::move(*ref)});
  }
  if (auto st = apply_batch(target, first, kinds, progress, wait_timeout); !st)
    return st;
  return apply_batch(target, rest, kinds, progress, wait_timeout);
}

} // namespace acp::kube
