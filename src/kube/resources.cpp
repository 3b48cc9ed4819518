// Objects to URL paths: the built-in kinds, kinds learned from CRDs, and the checks that keep
// a name from leaving its path segment.

#include "acpctl/kube/resources.hpp"

#include "acpctl/util/strings.hpp"

#include <cctype>
#include <fmt/format.h>

namespace acp::kube {

namespace {

std::string key_of(std::string_view group, std::string_view kind) {
  return std::string(group) + "/" + std::string(kind);
}

// The string at `/a/b` in `object`; "" when absent or not a string.
std::string string_at(const nlohmann::json& object, const char* pointer) {
  const nlohmann::json::json_pointer at(pointer);
  if (!object.contains(at) || !object[at].is_string())
    return {};
  return object[at].get<std::string>();
}

// Whether `segment` stays one path segment (the API server's own rule for names).
bool valid_segment(std::string_view segment) {
  if (segment.empty() || segment == "." || segment == ".." || segment.size() > 253)
    return false;
  for (const char c : segment)
    if (c == '/' || c == '%' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
      return false;
  return true;
}

Error bad_object(const std::string& what, const std::string& why) {
  return Error(Errc::invalid_input, what + ": " + why);
}

Error unknown_kind(const std::string& group, const std::string& kind) {
  const std::string api = group.empty() ? "the core group" : "group " + group;
  return Error(Errc::invalid_input,
               fmt::format("kind {} of {} is not known to acpctl", util::quoted(kind), api))
      .with_hint(fmt::format("apply its CustomResourceDefinition in the same batch (a *.yaml "
                             "in the same directory, spec.group {} and spec.names.kind {}), or "
                             "check the kind's spelling and apiVersion",
                             group.empty() ? "\"\"" : group, kind));
}

} // namespace

KindTable::KindTable() {
  const auto add = [this](const char* group, const char* kind, const char* plural, bool ns) {
    m_kinds[key_of(group, kind)] = KindInfo{plural, ns};
  };
  add("", "Namespace", "namespaces", false);
  add("", "Node", "nodes", false);
  add("", "ConfigMap", "configmaps", true);
  add("", "Secret", "secrets", true);
  add("", "ServiceAccount", "serviceaccounts", true);
  add("", "Service", "services", true);
  add("", "Pod", "pods", true);
  add("apiextensions.k8s.io", "CustomResourceDefinition", "customresourcedefinitions", false);
  add("rbac.authorization.k8s.io", "ClusterRole", "clusterroles", false);
  add("rbac.authorization.k8s.io", "ClusterRoleBinding", "clusterrolebindings", false);
  add("rbac.authorization.k8s.io", "Role", "roles", true);
  add("rbac.authorization.k8s.io", "RoleBinding", "rolebindings", true);
  add("apps", "Deployment", "deployments", true);
  add("apps", "DaemonSet", "daemonsets", true);
}

Status KindTable::learn_crd(const nlohmann::json& crd) {
  const std::string name = string_at(crd, "/metadata/name");
  const std::string what = "CustomResourceDefinition " + (name.empty() ? "(no name)" : name);
  const std::string group = string_at(crd, "/spec/group");
  const std::string kind = string_at(crd, "/spec/names/kind");
  const std::string plural = string_at(crd, "/spec/names/plural");
  const std::string scope = string_at(crd, "/spec/scope");
  if (group.empty() || kind.empty() || plural.empty())
    return bad_object(what, "needs spec.group, spec.names.kind and spec.names.plural");
  if (!valid_segment(plural) || !valid_segment(group))
    return bad_object(what, "spec.group or spec.names.plural cannot be part of a URL path");
  if (scope != "Namespaced" && scope != "Cluster")
    return bad_object(what, "spec.scope must be Namespaced or Cluster, not " + util::quoted(scope));
  m_kinds[key_of(group, kind)] = KindInfo{plural, scope == "Namespaced"};
  return {};
}

Status KindTable::learn_crds(const std::vector<nlohmann::json>& objects) {
  for (const auto& object : objects) {
    if (string_at(object, "/kind") != "CustomResourceDefinition" ||
        !string_at(object, "/apiVersion").starts_with("apiextensions.k8s.io/"))
      continue;
    if (auto st = learn_crd(object); !st)
      return st;
  }
  return {};
}

const KindInfo* KindTable::find(std::string_view group, std::string_view kind) const {
  const auto it = m_kinds.find(key_of(group, kind));
  return it == m_kinds.end() ? nullptr : &it->second;
}

std::string describe(const ObjectRef& ref) {
  return ref.kind + " " + (ref.ns.empty() ? ref.name : ref.ns + "/" + ref.name);
}

Result<ObjectRef> object_ref(const nlohmann::json& object, const KindTable& kinds) {
  ObjectRef ref;
  const std::string api_version = string_at(object, "/apiVersion");
  ref.kind = string_at(object, "/kind");
  ref.name = string_at(object, "/metadata/name");
  const std::string what = ref.kind.empty() ? std::string("an object") : ref.kind;
  if (api_version.empty() || ref.kind.empty() || ref.name.empty())
    return bad_object(what, "a Kubernetes object needs apiVersion, kind and metadata.name");
  if (const auto slash = api_version.find('/'); slash == std::string::npos) {
    ref.version = api_version;
  } else {
    ref.group = api_version.substr(0, slash);
    ref.version = api_version.substr(slash + 1);
  }
  if (!valid_segment(ref.version) || (!ref.group.empty() && !valid_segment(ref.group)) ||
      !valid_segment(ref.name))
    return bad_object(what + " " + util::quoted(ref.name),
                      "apiVersion or metadata.name cannot be part of a URL path");
  const KindInfo* info = kinds.find(ref.group, ref.kind);
  if (info == nullptr)
    return unknown_kind(ref.group, ref.kind);
  ref.resource = *info;
  if (info->namespaced) {
    ref.ns = string_at(object, "/metadata/namespace");
    if (ref.ns.empty())
      ref.ns = "default";
    if (!valid_segment(ref.ns))
      return bad_object(describe(ref), "metadata.namespace cannot be part of a URL path");
  }
  std::string base =
      ref.group.empty() ? "/api/" + ref.version : "/apis/" + ref.group + "/" + ref.version;
  if (!ref.ns.empty())
    base += "/namespaces/" + url_escape(ref.ns);
  ref.collection = base + "/" + info->plural;
  ref.path = ref.collection + "/" + url_escape(ref.name);
  return ref;
}

std::string url_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':')
      out += c;
    else
      out += fmt::format("%{:02X}", u);
  }
  return out;
}

} // namespace acp::kube
