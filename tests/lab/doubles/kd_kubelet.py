# TEST DOUBLE of the kubelet (Kubernetes 1.31), for acpctl's lab tests only; never packaged.
# Imitates: refusing to start without --config; http://127.0.0.1:10248/healthz ("ok"); holding
# the kubelet port (10250, so kubeadm's Port-10250 preflight check sees it); running the
# kube-apiserver static Pod from the manifest directory (the API server double as a child with
# the manifest's flags, restarted when the manifest changes or the process dies, stopped when the
# manifest goes); registering its Node (Ready) with the client certificate of --kubeconfig once
# that file exists (409 = already there); stopping its child on SIGTERM.
# Does not imitate: containers, CRI, other static Pods (controller-manager and scheduler manifests
# are read and ignored), TLS bootstrap and CSRs, node status updates or leases, the kubelet API.
# Every path is below $KUBE_DOUBLE_ROOT; argv goes to $ROOT/var/log/kube-double/kubelet.log.
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import kd_checks  # noqa: E402
import kd_render  # noqa: E402
import kd_yaml  # noqa: E402
from kd_util import ROOT, https, healthz_port, log_line, rp, split_endpoint, tls_context  # noqa: E402

LIB = os.path.dirname(os.path.abspath(__file__))


def parse_flags(argv):
    flags = {}
    for i, arg in enumerate(argv):
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if not eq and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
                value = argv[i + 1]
            flags[name] = value
    return flags


class Healthz(BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path.split("?")[0] == "/healthz"
        body = b"ok" if ok else b"404 page not found\n"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()


def hold_kubelet_port():
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1" if ROOT else "0.0.0.0", kd_checks.kubelet_port()))
    sock.listen(16)

    def drop():
        while True:
            conn, _ = sock.accept()
            conn.close()
    threading.Thread(target=drop, daemon=True).start()


class StaticPod:
    """The API server double run from kube-apiserver.yaml, like a static Pod."""

    def __init__(self, manifest):
        self.manifest, self.digest, self.proc = manifest, None, None

    def sync(self):
        try:
            with open(rp(self.manifest), "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
        except OSError:
            digest = None
        if digest != self.digest or (self.proc and self.proc.poll() is not None):
            self.stop()
            self.digest = digest
            if digest:
                self.start()

    def start(self):
        try:
            flags = kd_render.manifest_flags(self.manifest)
        except (OSError, ValueError, KeyError, IndexError) as e:
            log_line("kubelet", {"event": "bad manifest", "error": str(e)})
            return
        argv = [sys.executable, os.path.join(LIB, "kube-apiserver-double.py")]
        argv += ["--%s=%s" % kv for kv in flags.items()]
        if ROOT:
            argv.append("--bind=127.0.0.1")
        out = open(rp("/var/log/kube-double/apiserver.out"), "a")
        self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        log_line("kubelet", {"event": "started kube-apiserver", "child": self.proc.pid})

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            log_line("kubelet", {"event": "stopped kube-apiserver", "child": self.proc.pid})
        self.proc = None


class Registrar:
    """POST this node's Node with the --kubeconfig credentials, once per kubeconfig content."""

    def __init__(self, kubeconfig, name, node_ip):
        self.kubeconfig, self.name, self.node_ip = kubeconfig, name, node_ip
        self.done_for = None
        self.tmp = tempfile.mkdtemp(prefix="kube-double-kubelet-")  # 0700

    def sync(self):
        try:
            with open(rp(self.kubeconfig)) as f:
                text = f.read()
        except OSError:
            return
        if text == self.done_for:
            return
        try:
            status = self.register(text)
        except (OSError, ValueError, KeyError, IndexError) as e:
            status = str(e)
        log_line("kubelet", {"event": "register node", "node": self.name, "status": status})
        if status in (200, 201, 409):
            self.done_for = text

    def register(self, text):
        server, ca_pem = kd_render.kubeconfig_ca(text)
        user = kd_yaml.load(text)["users"][0]["user"]
        paths = {}
        for key in ("client-certificate-data", "client-key-data"):
            paths[key] = os.path.join(self.tmp, key)
            with open(paths[key], "wb") as out:
                out.write(base64.b64decode(user[key]))
        ctx = tls_context(cadata=ca_pem, cert=paths["client-certificate-data"],
                          key=paths["client-key-data"])
        node_ip = self.node_ip or kd_render.node_ip_towards(split_endpoint(server)[0])
        status, _ = https("POST", server.split("://")[-1], "/api/v1/nodes", ctx,
                          {"Content-Type": "application/json"}, json.dumps(self.node(node_ip)))
        return status

    def node(self, node_ip):
        return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": self.name, "labels": {
            "kubernetes.io/hostname": self.name, "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64"}}, "spec": {},
            "status": {"addresses": [{"type": "InternalIP", "address": node_ip},
                                     {"type": "Hostname", "address": self.name}],
                       "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                       "message": "kubelet is posting ready status"}],
                       "nodeInfo": {"kubeletVersion": "v1.31.6", "operatingSystem": "linux",
                                    "architecture": "amd64"}}}


def main(argv):
    flags = parse_flags(argv)
    log_line("kubelet", {"argv": ["kubelet"] + argv})
    config = flags.get("config", "")
    if not config or not os.path.exists(rp(config)):
        sys.stderr.write('E0101 00:00:00.000000 run.go:72] "command failed" err="failed to load '
                         'kubelet config file, path: %s, error: open %s: no such file or directory"\n'
                         % (config, config))
        sys.exit(1)
    manifests = (kd_yaml.load(open(rp(config)).read()) or {}).get("staticPodPath", kd_render.MANIFESTS)
    serve(ThreadingHTTPServer(("127.0.0.1", healthz_port()), Healthz))
    hold_kubelet_port()
    pod = StaticPod(manifests + "/kube-apiserver.yaml")
    reg = Registrar(flags.get("kubeconfig", "/etc/kubernetes/kubelet.conf"),
                    flags.get("hostname-override") or socket.gethostname(), flags.get("node-ip"))
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    try:
        while not stopping:
            pod.sync()
            reg.sync()
            time.sleep(1)
    finally:
        pod.stop()
        shutil.rmtree(reg.tmp, ignore_errors=True)
        log_line("kubelet", {"event": "stopped"})


if __name__ == "__main__":
    main(sys.argv[1:])
