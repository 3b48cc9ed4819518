# TEST DOUBLE support for the kubeadm double (not real kubeadm): the phases that wait and upload.
# Imitates kubeadm 1.31's wait-control-plane (kubelet healthz, then the API server's readyz, with
# its wording on timeout), the pause hook for kill tests, and the bootstrap-token, cluster-info,
# kubeadm-config and kubelet-config uploads, written straight into the external etcd with etcdctl
# (the real kubeadm goes through the API server). Only a sha256 of a token's secret is stored.
import datetime
import os
import json
import re
import time

from kd_checks import fail
from kd_render import kubeconfig
from kd_util import Etcd, http_get_local, https, healthz_port, log_line, read_setting, \
    sha256_hex, tls_context, wait_until, rp

WAIT_DEFAULT = "240"


def wait_seconds():
    return float(read_setting("wait-seconds", WAIT_DEFAULT))


def _duration(seconds):
    return "%dm%ds" % (seconds // 60, seconds % 60) if seconds >= 60 else "%.3fs" % seconds


def pause_hook(argv):
    seconds = read_setting("pause-after-manifests", "")
    if seconds:
        log_line("kubeadm", {"argv": argv, "event": "paused", "seconds": seconds})
        time.sleep(float(seconds))


def wait_kubelet():
    limit, port = wait_seconds(), healthz_port()
    print("[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:%d/healthz. "
          "This can take up to %s" % (port, _duration(limit)))
    start = time.monotonic()
    if not wait_until(lambda: http_get_local(port, "/healthz") == (200, "ok"), limit):
        fail("[kubelet-check] The kubelet is not healthy after %s\n\nUnfortunately, an error has "
             "occurred:\n\tThe HTTP call equal to 'curl -sSL http://127.0.0.1:%d/healthz' failed\n\n"
             "This error is likely caused by:\n\t- The kubelet is not running\n\t- The kubelet is "
             "unhealthy due to a misconfiguration of the node in some way (required cgroups "
             "disabled)\n\nerror execution phase wait-control-plane: The kubelet is not running"
             % (_duration(limit), port))
    print("[kubelet-check] The kubelet is healthy after %s" % _duration(time.monotonic() - start))


def wait_apiserver(address, port, phase="wait-control-plane"):
    limit = wait_seconds()
    ctx = tls_context(cafile=rp("/etc/kubernetes/pki/ca.crt"))
    print("[api-check] Waiting for a healthy API server. This can take up to %s" % _duration(limit))
    start = time.monotonic()
    endpoint = "[%s]:%s" % (address, port) if ":" in address else "%s:%s" % (address, port)
    if not wait_until(lambda: https("GET", endpoint, "/readyz", ctx, timeout=2)[0] == 200, limit):
        fail("[api-check] The API server is not healthy after %s\n\nerror execution phase %s: "
             "could not check the health of the API server: context deadline exceeded"
             % (_duration(limit), phase))
    print("[api-check] The API server is healthy after %s" % _duration(time.monotonic() - start))


def wait_file(path, what):
    if not wait_until(lambda: os.path.exists(rp(path)), wait_seconds()):
        fail("error execution phase kubelet-start: %s: timed out waiting for the condition" % what)


def etcd_from_cluster(cluster):
    ext = cluster.get("etcd", {}).get("external")
    if not ext or not ext.get("endpoints"):
        fail("kube double: ClusterConfiguration.etcd.external.endpoints is required (this double "
             "supports external etcd only)")
    return Etcd(ext["endpoints"], ext.get("caFile", ""), ext.get("certFile", ""), ext.get("keyFile", ""))


def etcd_from_manifest(flags):
    return Etcd(flags["etcd-servers"].split(","), flags["etcd-cafile"], flags["etcd-certfile"],
                flags["etcd-keyfile"])


def _ttl_seconds(ttl):
    parts = re.findall(r"([0-9.]+)(h|m|s)", ttl or "24h0m0s")
    return sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)


def upload_token(etcd, token_id, secret, ttl, description=""):
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=_ttl_seconds(ttl))
    value = {"apiVersion": "v1", "kind": "Secret", "type": "bootstrap.kubernetes.io/token",
             "metadata": {"name": "bootstrap-token-" + token_id, "namespace": "kube-system"},
             "token-id": token_id, "token-secret-sha256": sha256_hex(secret),
             "expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "description": description,
             "usages": ["authentication", "signing"]}
    try:
        etcd.put("/registry/secrets/kube-system/bootstrap-token-" + token_id, json.dumps(value))
    except RuntimeError as e:
        fail("error execution phase bootstrap-token: error creating token: %s" % e)


def _configmap(ns, name, data):
    return json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": name, "namespace": ns}, "data": data})


def upload_cluster(etcd, endpoint, ca_pem, raw_docs):
    """kubeadm-config, kubelet-config and kube-public/cluster-info."""
    print('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the '
          '"kube-system" Namespace')
    print('[kubelet] Creating a ConfigMap "kubelet-config" in namespace kube-system with the '
          'configuration for the kubelets in the cluster')
    print('[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace')
    try:
        etcd.put("/registry/configmaps/kube-system/kubeadm-config", _configmap(
            "kube-system", "kubeadm-config", {"ClusterConfiguration": raw_docs.get("ClusterConfiguration", "")}))
        etcd.put("/registry/configmaps/kube-system/kubelet-config", _configmap(
            "kube-system", "kubelet-config", {"kubelet": raw_docs.get("KubeletConfiguration", "")}))
        etcd.put("/registry/configmaps/kube-public/cluster-info", _configmap(
            "kube-public", "cluster-info", {"kubeconfig": kubeconfig("https://" + endpoint, ca_pem),
                                            "ca.crt": ca_pem, "controlPlaneEndpoint": endpoint}))
    except RuntimeError as e:
        fail("error execution phase upload-config: %s" % e)
