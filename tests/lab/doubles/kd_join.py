# TEST DOUBLE of `kubeadm join [ENDPOINT] --config F` (kubeadm 1.31), for acpctl's lab tests only.
# Imitates: token checks, FileAvailable preflight errors, token discovery (cluster-info read
# without TLS verification, the CA pinned by caCertHashes over its SubjectPublicKeyInfo, then the
# token checked against the API server with the pinned CA), reading kubelet-config and
# kubeadm-config with the token, bootstrap-kubelet.conf and ca.crt for workers, external-CA checks,
# manifests and the API server wait for a control-plane join, kubelet-start (waits for the kubelet
# and for kubelet.conf, which the TLS bootstrap would write), the refusal to re-join over a Ready
# Node of the same name, and kubeadm's output. Does not imitate: JWS signatures, CSRs (nothing
# signs them: in external-CA mode acpctl must place kubelet.conf), certificate download, local etcd.
import base64
import json
import os
import socket

import kd_checks as checks
import kd_phases as phases
import kd_render as render
import kd_yaml
from kd_util import https, read_file, rp, spki_sha256, split_endpoint, tls_context, wait_until, \
    write_file, NetworkRefused

WORKER_DONE = """
This node has joined the cluster:
* Certificate signing request was sent to apiserver and a response was received.
* The Kubelet was informed of the new secure connection details.

Run 'kubectl get nodes' on the control-plane to see this node join the cluster."""
CP_DONE = """
This node has joined the cluster and a new control plane instance was created:

* Certificate signing request was sent to apiserver and approval was received.
* The Kubelet was informed of the new secure connection details.
* Control plane label and taint were applied to the new node.
* The Kubernetes control plane instances scaled up.

To start administering your cluster from this node, you need to run the following as a regular user:

\tmkdir -p $HOME/.kube
\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config
\tsudo chown $(id -u):$(id -g) $HOME/.kube/config

Run 'kubectl get nodes' to see this node join the cluster."""
CLUSTER_INFO = "/api/v1/namespaces/kube-public/configmaps/cluster-info"


def discover(endpoint, token, pins):
    """The cluster CA (PEM) after pinning it and checking the token; fails like kubeadm."""
    print('[discovery] Trying to connect to API Server "%s"' % endpoint)
    found = {}

    def fetch():
        found["reply"] = https("GET", endpoint, CLUSTER_INFO, tls_context(), timeout=3)
        return found["reply"][0] == 200  # kubeadm retries until the discovery timeout

    try:
        ok = wait_until(fetch, phases.wait_seconds(), interval=1)
    except NetworkRefused as e:
        checks.fail("couldn't validate the identity of the API Server: %s" % e)
    if not ok:
        checks.fail("error execution phase preflight: couldn't validate the identity of the API "
                    'Server: Get "https://%s%s": could not reach the API server before the '
                    "discovery timeout" % (endpoint, CLUSTER_INFO))
    data = json.loads(found["reply"][1]).get("data", {})
    _, ca_pem = render.kubeconfig_ca(data["kubeconfig"])
    actual = spki_sha256(ca_pem)
    if actual not in pins:
        checks.fail("error execution phase preflight: couldn't validate the identity of the API "
                    "Server: cluster CA found in cluster-info ConfigMap is invalid: none of the "
                    'public keys "%s" are pinned' % actual)
    token_id = token.split(".")[0]
    status, _ = https("GET", endpoint, "/api/v1/namespaces/kube-system/secrets/bootstrap-token-" +
                      token_id, tls_context(cadata=ca_pem), {"Authorization": "Bearer " + token})
    if status != 200:
        checks.fail("error execution phase preflight: couldn't validate the identity of the API "
                    'Server: token id "%s" is invalid for this cluster or it has expired. Use '
                    '"kubeadm token create" on the control-plane node to create a new valid token'
                    % token_id)
    print('[discovery] Cluster info signature and contents are valid and TLS certificate validates '
          'against pinned roots, will use API Server "%s"' % endpoint)
    return ca_pem


def read_cluster(endpoint, token, ca_pem, name, key):
    """A kube-system ConfigMap's data[KEY], read with the bootstrap token, or ''."""
    status, body = https("GET", endpoint, "/api/v1/namespaces/kube-system/configmaps/" + name,
                         tls_context(cadata=ca_pem), {"Authorization": "Bearer " + token})
    return json.loads(body).get("data", {}).get(key, "") if status == 200 else ""


def refuse_ready_node(endpoint, ca_pem, name):
    """kubeadm refuses to join when kubelet.conf exists and a Ready Node of this name is there."""
    server, _ = render.kubeconfig_ca(read_file("/etc/kubernetes/kubelet.conf"))
    tmp = rp("/etc/kubernetes/tmp/kube-double-kubelet")
    os.makedirs(tmp, mode=0o700, exist_ok=True)
    user = kd_yaml.load(read_file("/etc/kubernetes/kubelet.conf"))["users"][0]["user"]
    for key in ("client-certificate-data", "client-key-data"):
        with open(os.path.join(tmp, key), "wb") as out:
            out.write(base64.b64decode(user.get(key, "")))
    ctx = tls_context(cadata=ca_pem, cert=os.path.join(tmp, "client-certificate-data"),
                      key=os.path.join(tmp, "client-key-data"))
    try:
        status, body = https("GET", server.split("://")[-1], "/api/v1/nodes/" + name, ctx)
    except OSError:
        return
    conditions = json.loads(body).get("status", {}).get("conditions", []) if status == 200 else []
    if any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions):
        checks.fail('error execution phase kubelet-start: a Node with name "%s" and status "Ready" '
                    "already exists in the cluster. You must delete the existing Node or change "
                    "the name of this new joining Node" % name)


def run(opts, argv):
    docs = checks.load_config(opts.get("config"))
    join = docs.get("JoinConfiguration")
    if join is None:
        checks.fail("kube double: --config must hold a JoinConfiguration")
    boot = (join.get("discovery") or {}).get("bootstrapToken") or {}
    token = boot.get("token") or join.get("discovery", {}).get("tlsBootstrapToken")
    checks.check_token(token)
    endpoint = boot.get("apiServerEndpoint") or opts.get("endpoint", "")
    control_plane = join.get("controlPlane") is not None
    registration = join.get("nodeRegistration") or {}
    name = registration.get("name") or socket.gethostname()
    pre = [("dir", render.MANIFESTS), ("file", "/etc/kubernetes/kubelet.conf"),
           ("file", "/etc/kubernetes/bootstrap-kubelet.conf"), ("port", checks.kubelet_port())]
    if control_plane:
        port = int((join["controlPlane"].get("localAPIEndpoint") or {}).get("bindPort", 6443))
        pre += [("port", port)] + [("file", m) for m in render.MANIFEST_FILES]
    else:
        pre.append(("file", "/etc/kubernetes/pki/ca.crt"))  # real kubeadm: workers only
    checks.preflight(pre, opts.get("ignore", ""))
    ca_pem = discover(endpoint, token, boot.get("caCertHashes") or [])
    print("[preflight] Reading configuration from the cluster...")
    cluster = kd_yaml.load(read_cluster(endpoint, token, ca_pem, "kubeadm-config",
                                        "ClusterConfiguration") or "{}") or {}
    kubelet_config = read_cluster(endpoint, token, ca_pem, "kubelet-config", "kubelet")
    host = split_endpoint(endpoint)[0]
    if control_plane:
        local = join["controlPlane"].get("localAPIEndpoint") or {}
        address, port = local.get("advertiseAddress", ""), int(local.get("bindPort", 6443))
        print("[preflight] Running pre-flight checks before initializing the new control plane instance")
        checks.external_ca("control-plane-prepare")
        render.write_manifests(cluster, address, port)
        print("[check-etcd] Skipping etcd check in external mode")
        phases.pause_hook(argv)
    else:
        address = render.node_ip_towards(host)
        write_file("/etc/kubernetes/pki/ca.crt", ca_pem)
    if os.path.exists(rp("/etc/kubernetes/kubelet.conf")):
        refuse_ready_node(endpoint, ca_pem, name)
    write_file("/etc/kubernetes/bootstrap-kubelet.conf", render.kubeconfig(
        "https://" + endpoint, ca_pem, "tls-bootstrap-token-user", token), 0o600)
    render.write_kubelet_files(registration, address, kubelet_config)
    if not control_plane:
        phases.pause_hook(argv)
    print("[kubelet-start] Starting the kubelet")
    phases.wait_kubelet()
    print("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap")
    phases.wait_file("/etc/kubernetes/kubelet.conf", "the kubelet did not write "
                     "/etc/kubernetes/kubelet.conf (TLS bootstrap)")
    if control_plane:
        print("[control-plane-join] Using external etcd - no local stacked instance added")
        phases.wait_apiserver(address, port, "control-plane-join")
        print("[mark-control-plane] Marking the node %s as control-plane by adding the labels: "
              "[node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]" % name)
    print(CP_DONE if control_plane else WORKER_DONE)
