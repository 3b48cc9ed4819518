#pragma once
// Where an object lives in the API: apiVersion, kind, namespace and name to a URL path.
// Kinds map to their plural resource through a small built-in table of the kinds acpctl
// applies, and custom resources through the CustomResourceDefinitions applied with them.

#include "acpctl/util/error.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace acp::kube {

/// A kind's resource: its plural name and whether its objects live in a namespace.
struct KindInfo {
  std::string plural{};
  bool namespaced = false;
};

/// Kinds by API group: the built-in ones, plus what learned CRDs define.
class KindTable {
public:
  /// The built-in kinds: Namespace, ConfigMap, Secret, ServiceAccount, Service, Pod, Node
  /// (core); CustomResourceDefinition; ClusterRole, ClusterRoleBinding, Role, RoleBinding;
  /// Deployment, DaemonSet.
  KindTable();

  /// Learns the kind a CustomResourceDefinition defines (spec.group, spec.names.kind and
  /// .plural, spec.scope). Fails with Errc::invalid_input naming the CRD and the missing field.
  Status learn_crd(const nlohmann::json& crd);
  /// learn_crd for every CustomResourceDefinition among `objects`; others are skipped.
  Status learn_crds(const std::vector<nlohmann::json>& objects);

  /// The kind in `group` ("" for the core group); nullptr when unknown.
  const KindInfo* find(std::string_view group, std::string_view kind) const;

private:
  std::map<std::string, KindInfo, std::less<>> m_kinds; ///< "group/Kind" -> info
};

/// The parts of an object that name it.
struct ObjectRef {
  std::string group{};      ///< "" for the core group (apiVersion "v1")
  std::string version{};    ///< "v1", "v1alpha1"
  std::string kind{};       ///< "Deployment"
  std::string ns{};         ///< "" for a cluster-scoped object
  std::string name{};       ///< metadata.name
  KindInfo resource{};      ///< from the KindTable
  std::string collection{}; ///< /apis/apps/v1/namespaces/x/deployments
  std::string path{};       ///< collection + "/" + name
};

/// "Deployment cpaas-system/foo", "Namespace cpaas-system": how messages name an object.
std::string describe(const ObjectRef& ref);

/// Names `object` through `kinds`: core group -> /api/v1/..., others -> /apis/G/V/...;
/// namespaced kinds in metadata.namespace ("default" when unset), a namespace on a
/// cluster-scoped object is ignored. Fails with Errc::invalid_input for an object without a
/// string apiVersion, kind or metadata.name, a name or namespace that cannot be a path segment,
/// or a kind `kinds` does not know (naming the kind and how to make it known).
Result<ObjectRef> object_ref(const nlohmann::json& object, const KindTable& kinds);

/// `text` percent-encoded for a URL path segment or query value (unreserved characters kept).
std::string url_escape(std::string_view text);

} // namespace acp::kube
