#pragma once
// Manifests: Kubernetes objects read from a directory of YAML files, and applied in an order
// the API server accepts.
//
// YAML becomes JSON by the YAML 1.2 core schema: a plain scalar is null, a bool, an integer
// or a float when it reads as one (true, 3, 0x1F, 1.5e3), otherwise a string; a quoted or
// block scalar is a string ("1234" stays one) unless an explicit tag (!!int) says otherwise,
// and !!str makes any scalar a string. Unlike YAML 1.1 readers (Kubernetes' own), yes, no,
// on and off stay strings here: quote them in manifests, so that both agree.

#include "acpctl/kube/api.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace acp::kube {

/// The objects of one YAML stream (documents separated by ---; empty documents skipped).
/// `file` names the source in errors. Fails with Errc::invalid_input at file:line for YAML
/// that does not parse, a duplicate key, a value JSON cannot hold (.inf, .nan), or a document
/// that is no object with string apiVersion, kind and metadata.name (naming its index, from 1).
Result<std::vector<nlohmann::json>> parse_manifests(std::string_view text, const std::string& file);

/// Every *.yaml file in `dir` in sorted name order, each parsed as parse_manifests does.
/// Fails with Errc::io naming a directory or file that cannot be read.
Result<std::vector<nlohmann::json>> load_manifests(const std::filesystem::path& dir);

/// How far apply_all is with one object.
struct ApplyEvent {
  enum class Stage { applied, ready };
  std::string object{}; ///< "CustomResourceDefinition artifacts.app.alauda.io"
  Stage stage = Stage::applied;
};
using ApplyProgress = std::function<void(const ApplyEvent&)>;

/// Applies `objects` (server-side apply, field manager acpctl, force): first every
/// CustomResourceDefinition and Namespace, waiting until each is ready, then the rest in
/// their order, then waits until those are ready (each wait at most `wait_timeout`). Custom
/// resources' kinds come from the CRDs among `objects`. Every object is named and mapped to
/// its resource before the first request, so an unknown kind fails with nothing applied.
/// Errors name the object and the server.
Status apply_all(const ApiTarget& target, const std::vector<nlohmann::json>& objects,
                 const ApplyProgress& progress = {},
                 std::chrono::seconds wait_timeout = std::chrono::seconds{300});

} // namespace acp::kube
