# TEST DOUBLE support for kube-apiserver-double.py (not the real kube-apiserver): who is asking
# and what they may do. Imitates x509 client-certificate authentication (user = CN, groups = O),
# bootstrap-token Bearer authentication (the token's secret compared by sha256 with the stored
# bootstrap-token-<id> Secret; a bad token is 401 like the real server) and a fixed, small
# authorizer instead of RBAC: system:masters and kubeadm:cluster-admins may do anything, a node
# (system:node:NAME) may create and patch its own Node, any authenticated user may read, anyone
# may read kube-public/cluster-info and the health endpoints.
import datetime
import hashlib
import re

ADMIN_GROUPS = {"system:masters", "kubeadm:cluster-admins"}
_TOKEN = re.compile(r"^([a-z0-9]{6})\.([a-z0-9]{16})$")


class User:
    def __init__(self, name, groups, token_id=None):
        self.name, self.groups, self.token_id = name, set(groups), token_id

    def is_admin(self):
        return bool(self.groups & ADMIN_GROUPS)

    def __str__(self):
        return self.name


ANONYMOUS = User("system:anonymous", ["system:unauthenticated"])


def from_cert(cert):
    """The user of a verified client certificate (ssl getpeercert() dict), or None."""
    if not cert:
        return None
    cn, groups = None, []
    for rdn in cert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                cn = value
            elif key == "organizationName":
                groups.append(value)
    return User(cn, groups + ["system:authenticated"]) if cn else None


def _expired(text):
    if not text:
        return False
    try:
        when = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return True
    return when.replace(tzinfo=datetime.timezone.utc) < datetime.datetime.now(datetime.timezone.utc)


def from_bearer(header, store):
    """The bootstrap-token user of 'Bearer id.secret', or None when the token is not valid."""
    m = _TOKEN.match(header[len("Bearer "):].strip()) if header.startswith("Bearer ") else None
    if not m:
        return None
    secret = store.get("/registry/secrets/kube-system/bootstrap-token-" + m.group(1))
    if not secret or _expired(secret.get("expiration")):
        return None
    digest = hashlib.sha256(m.group(2).encode()).hexdigest()
    if digest != secret.get("token-secret-sha256"):
        return None
    return User("system:bootstrap:" + m.group(1),
                ["system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token",
                 "system:authenticated"], token_id=m.group(1))


_PUBLIC = {("kube-public", "configmaps", "cluster-info")}
_BOOTSTRAP_READABLE = {("kube-system", "configmaps", "kubelet-config"),
                       ("kube-system", "configmaps", "kubeadm-config")}


def allowed(user, method, route, body):
    """Whether USER may do METHOD on ROUTE (BODY: the decoded request body, if any)."""
    target = (route["namespace"], route["resource"], route["name"])
    if user.is_admin():
        return True
    if method == "GET":
        if target in _PUBLIC:
            return True
        if route["resource"] == "secrets" and (route["name"] or "").startswith("bootstrap-token-"):
            return user.token_id is not None and route["name"] == "bootstrap-token-" + user.token_id
        if user.token_id is not None:
            return target in _BOOTSTRAP_READABLE
        return "system:authenticated" in user.groups
    if route["group"] == "" and route["resource"] == "nodes" and user.name.startswith("system:node:"):
        node = user.name[len("system:node:"):]
        name = route["name"] or ((body or {}).get("metadata") or {}).get("name")
        return method in ("POST", "PATCH", "PUT") and name == node
    return False
