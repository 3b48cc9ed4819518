# TEST DOUBLE support for the kubeadm double (not real kubeadm): the files kubeadm 1.31 writes.
# Imitates the static Pod manifests' shape and the flags the kubelet double and acpctl read
# (kube-apiserver: advertise address, secure port, etcd servers and client files, serving and
# client-CA files), kubeadm-flags.env, the kubelet's config.yaml, bootstrap-kubelet.conf and the
# cluster-info kubeconfig. Does not imitate every flag, probes, volumes or resource requests.
import base64
import socket

import kd_yaml
from kd_util import read_file, write_file

PKI = "/etc/kubernetes/pki"
MANIFESTS = "/etc/kubernetes/manifests"
MANIFEST_FILES = [MANIFESTS + "/kube-apiserver.yaml", MANIFESTS + "/kube-controller-manager.yaml",
                  MANIFESTS + "/kube-scheduler.yaml"]
CRI = "unix:///run/containerd/containerd.sock"
MINIMAL_KUBELET = ("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
                   "cgroupDriver: systemd\n")


def extra_args(section, key):
    """[(name, value)] of extraArgs / kubeletExtraArgs: a v1beta4 list or a v1beta3 map."""
    args = (section or {}).get(key) or []
    if isinstance(args, dict):
        return list(args.items())
    return [(a.get("name"), a.get("value")) for a in args]


def _pod(name, command, image_repo, version, annotations=None):
    meta = {"labels": {"component": name, "tier": "control-plane"}, "name": name,
            "namespace": "kube-system"}
    if annotations:
        meta = dict({"annotations": annotations}, **meta)
    return kd_yaml.dump({
        "apiVersion": "v1", "kind": "Pod", "metadata": meta,
        "spec": {"containers": [{"command": command, "image": "%s/%s:%s" % (image_repo, name, version),
                                 "imagePullPolicy": "IfNotPresent", "name": name}],
                 "hostNetwork": True, "priority": 2000001000,
                 "priorityClassName": "system-node-critical"},
        "status": {}})


def apiserver_flags(cluster, address, port):
    etcd = cluster.get("etcd", {}).get("external", {})
    networking = cluster.get("networking", {})
    flags = [
        ("advertise-address", address), ("allow-privileged", "true"),
        ("authorization-mode", "Node,RBAC"), ("client-ca-file", PKI + "/ca.crt"),
        ("enable-admission-plugins", "NodeRestriction"), ("enable-bootstrap-token-auth", "true"),
        ("etcd-cafile", etcd.get("caFile", "")), ("etcd-certfile", etcd.get("certFile", "")),
        ("etcd-keyfile", etcd.get("keyFile", "")),
        ("etcd-servers", ",".join(etcd.get("endpoints", []))),
        ("kubelet-client-certificate", PKI + "/apiserver-kubelet-client.crt"),
        ("kubelet-client-key", PKI + "/apiserver-kubelet-client.key"),
        ("proxy-client-cert-file", PKI + "/front-proxy-client.crt"),
        ("proxy-client-key-file", PKI + "/front-proxy-client.key"),
        ("requestheader-client-ca-file", PKI + "/front-proxy-ca.crt"),
        ("secure-port", str(port)),
        ("service-account-issuer", "https://kubernetes.default.svc.cluster.local"),
        ("service-account-key-file", PKI + "/sa.pub"),
        ("service-account-signing-key-file", PKI + "/sa.key"),
        ("service-cluster-ip-range", networking.get("serviceSubnet", "10.96.0.0/12")),
        ("tls-cert-file", PKI + "/apiserver.crt"), ("tls-private-key-file", PKI + "/apiserver.key"),
    ]
    flags += extra_args(cluster.get("apiServer"), "extraArgs")
    return ["kube-apiserver"] + ["--%s=%s" % kv for kv in flags]


def write_manifests(cluster, address, port):
    """kube-apiserver, kube-controller-manager and kube-scheduler static Pods."""
    repo = cluster.get("imageRepository", "registry.k8s.io")
    version = cluster.get("kubernetesVersion", "v1.31.6")
    print('[control-plane] Using manifest folder "%s"' % MANIFESTS)
    print('[control-plane] Creating static Pod manifest for "kube-apiserver"')
    write_file(MANIFESTS + "/kube-apiserver.yaml", _pod(
        "kube-apiserver", apiserver_flags(cluster, address, port), repo, version,
        {"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": "%s:%s" % (address, port)}), 0o600)
    cm = ["kube-controller-manager", "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
          "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf", "--bind-address=127.0.0.1",
          "--client-ca-file=%s/ca.crt" % PKI, "--kubeconfig=/etc/kubernetes/controller-manager.conf",
          "--leader-elect=true", "--requestheader-client-ca-file=%s/front-proxy-ca.crt" % PKI,
          "--root-ca-file=%s/ca.crt" % PKI, "--service-account-private-key-file=%s/sa.key" % PKI,
          "--use-service-account-credentials=true"]
    print('[control-plane] Creating static Pod manifest for "kube-controller-manager"')
    write_file(MANIFESTS + "/kube-controller-manager.yaml", _pod("kube-controller-manager", cm, repo, version), 0o600)
    sched = ["kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
             "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf", "--bind-address=127.0.0.1",
             "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true"]
    print('[control-plane] Creating static Pod manifest for "kube-scheduler"')
    write_file(MANIFESTS + "/kube-scheduler.yaml", _pod("kube-scheduler", sched, repo, version), 0o600)


def manifest_flags(path):
    """{flag: value} of a static Pod manifest's first container command."""
    pod = kd_yaml.load(read_file(path))
    command = pod["spec"]["containers"][0]["command"]
    return dict(arg[2:].split("=", 1) for arg in command[1:] if arg.startswith("--") and "=" in arg)


def node_ip_towards(endpoint_host):
    """The local address this node uses to reach ENDPOINT_HOST (no packet is sent)."""
    s = socket.socket(socket.AF_INET6 if ":" in endpoint_host else socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((endpoint_host, 9))
        return s.getsockname()[0]
    finally:
        s.close()


def write_kubelet_files(registration, node_ip, kubelet_config):
    """kubeadm-flags.env and config.yaml, printed like kubeadm's kubelet-start phase."""
    args = dict(extra_args(registration, "kubeletExtraArgs"))
    args.setdefault("node-ip", node_ip)
    flags = ["--container-runtime-endpoint=" + registration.get("criSocket", CRI)]
    name = registration.get("name")
    if name and name != socket.gethostname():
        flags.append("--hostname-override=" + name)
    flags += ["--%s=%s" % (k, v) for k, v in args.items()]
    print('[kubelet-start] Writing kubelet environment file with flags to file '
          '"/var/lib/kubelet/kubeadm-flags.env"')
    write_file("/var/lib/kubelet/kubeadm-flags.env", 'KUBELET_KUBEADM_ARGS="%s"\n' % " ".join(flags))
    print('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"')
    write_file("/var/lib/kubelet/config.yaml", kubelet_config or MINIMAL_KUBELET)


def kubeconfig(server, ca_pem, user=None, token=None):
    """A kubeconfig for SERVER with the CA embedded; with TOKEN, a bootstrap-token user."""
    cfg = {"apiVersion": "v1", "kind": "Config",
           "clusters": [{"cluster": {"certificate-authority-data":
                                     base64.b64encode(ca_pem.encode()).decode(),
                                     "server": server}, "name": "kubernetes"}],
           "contexts": [], "current-context": "", "preferences": {}, "users": []}
    if user:
        cfg["contexts"] = [{"context": {"cluster": "kubernetes", "user": user}, "name": user + "@kubernetes"}]
        cfg["current-context"] = user + "@kubernetes"
        cfg["users"] = [{"name": user, "user": {"token": token}}]
    return kd_yaml.dump(cfg)


def kubeconfig_ca(text):
    """(server, CA PEM) of a kubeconfig's first cluster."""
    cluster = kd_yaml.load(text)["clusters"][0]["cluster"]
    return cluster["server"], base64.b64decode(cluster["certificate-authority-data"]).decode()
