# TEST DOUBLE support for kube-apiserver-double.py (not the real kube-apiserver): objects and
# their edits. Imitates server-side apply (the applied object merged over the stored one, lists
# replaced, managedFields naming the manager), JSON merge patch (RFC 7386), Status bodies, list
# kinds and the status a few kinds get from their controllers (Namespace Active, CRD Established).
# Does not imitate: field ownership and conflicts, strategic merge, defaulting, validation,
# admission, finalizers (a deleted Namespace is gone at once), watch.
import copy
import uuid

from kd_util import now_iso

KINDS = {
    "nodes": "Node", "namespaces": "Namespace", "configmaps": "ConfigMap", "secrets": "Secret",
    "pods": "Pod", "services": "Service", "serviceaccounts": "ServiceAccount",
    "endpoints": "Endpoints", "events": "Event", "customresourcedefinitions":
    "CustomResourceDefinition", "deployments": "Deployment", "daemonsets": "DaemonSet",
    "statefulsets": "StatefulSet", "clusterroles": "ClusterRole", "clusterrolebindings":
    "ClusterRoleBinding", "roles": "Role", "rolebindings": "RoleBinding", "leases": "Lease",
    "certificatesigningrequests": "CertificateSigningRequest", "storageclasses": "StorageClass",
    "priorityclasses": "PriorityClass", "jobs": "Job", "cronjobs": "CronJob",
}


def kind_of(resource):
    if resource in KINDS:
        return KINDS[resource]
    singular = resource[:-1] if resource.endswith("s") else resource
    return singular[:1].upper() + singular[1:]


def status(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}
    if details:
        body["details"] = details
    return body


def success():
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}


def not_found(route):
    what = route["resource"] + ("." + route["group"] if route["group"] else "")
    return status(404, "NotFound", '%s "%s" not found' % (what, route["name"]),
                  {"name": route["name"], "group": route["group"], "kind": route["resource"]})


def merge(base, patch):
    """RFC 7386: maps merge, null deletes, everything else (lists too) replaces."""
    if not isinstance(patch, dict) or not isinstance(base, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge(out.get(key), value)
    return out


def stamp(obj, old, route):
    """Server-owned metadata: name/namespace from the path, uid kept, resourceVersion + 1."""
    meta = obj.setdefault("metadata", {})
    old_meta = (old or {}).get("metadata", {})
    if route["name"]:
        meta["name"] = route["name"]
    if route["namespace"]:
        meta["namespace"] = route["namespace"]
    meta["uid"] = old_meta.get("uid") or str(uuid.uuid4())
    meta["creationTimestamp"] = old_meta.get("creationTimestamp") or now_iso()
    meta["resourceVersion"] = str(int(old_meta.get("resourceVersion", "0")) + 1)
    obj.setdefault("kind", kind_of(route["resource"]))
    obj.setdefault("apiVersion", route["group_version"])
    return obj


def apply(old, applied, manager):
    """Server-side apply, simplified: the applied fields over the stored object."""
    obj = merge(old or {}, applied)
    meta = obj.setdefault("metadata", {})
    fields = [f for f in (old or {}).get("metadata", {}).get("managedFields", [])
              if f.get("manager") != manager]
    fields.append({"manager": manager, "operation": "Apply",
                   "apiVersion": applied.get("apiVersion", ""), "time": now_iso()})
    meta["managedFields"] = fields
    return obj


def synthesize(obj, route):
    """The status a real cluster's controllers would have written by now."""
    obj = copy.deepcopy(obj)
    if route["resource"] == "namespaces" and not route["group"]:
        obj.setdefault("status", {})["phase"] = "Active"
    if route["resource"] == "customresourcedefinitions":
        st = obj.setdefault("status", {})
        st["acceptedNames"] = obj.get("spec", {}).get("names", {})
        st["conditions"] = [
            {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts"},
            {"type": "Established", "status": "True", "reason": "InitialNamesAccepted"},
        ]
        st["storedVersions"] = [v.get("name") for v in obj.get("spec", {}).get("versions", [])
                                if v.get("storage")]
    return obj


def _field(obj, dotted):
    for part in dotted.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def select(items, field_selector, label_selector):
    """Equality-only field and label selectors (a=b,c=d)."""
    def pairs(text):
        return [p.split("=", 1) for p in (text or "").split(",") if "=" in p]

    out = []
    for item in items:
        fields_ok = all(str(_field(item, k.rstrip("="))) == v.lstrip("=")
                        for k, v in pairs(field_selector))
        labels = item.get("metadata", {}).get("labels", {}) or {}
        labels_ok = all(labels.get(k.rstrip("=")) == v.lstrip("=")
                        for k, v in pairs(label_selector))
        if fields_ok and labels_ok:
            out.append(item)
    return out


def list_body(route, items):
    return {"kind": kind_of(route["resource"]) + "List", "apiVersion": route["group_version"],
            "metadata": {"resourceVersion": str(max(
                [int(i.get("metadata", {}).get("resourceVersion", "0")) for i in items] or [0]))},
            "items": items}
