# TEST DOUBLE support for the kubeadm double (not real kubeadm): reading --config and the checks
# kubeadm 1.31 makes before it changes anything. Imitates: the bootstrap-token format check, the
# FileAvailable, DirAvailable and Port preflight errors with --ignore-preflight-errors (case-insensitive, "all"), the
# external-CA mode file checks, and kubeadm's error wording and exit code 1. Does not imitate the
# other preflight checks (swap, CPU, memory, CRI, kernel), image pulls, or config defaulting.
import os
import re
import socket
import sys

import kd_yaml
from kd_util import ROOT, read_setting, rp

TOKEN = re.compile(r"^([a-z0-9]{6})\.([a-z0-9]{16})$")
TOKEN_PATTERN = r"^([a-z0-9]{6})\.([a-z0-9]{16})$"
APIS = ("kubeadm.k8s.io/v1beta4", "kubeadm.k8s.io/v1beta3")
STACK_HINT = "To see the stack trace of this error execute with --v=5 or higher"
PKI = "/etc/kubernetes/pki"
# External-CA mode: everything kubeadm would otherwise sign with ca.key must already be there.
EXTERNAL_CA_FILES = [
    ("certificate", "API server", PKI + "/apiserver.crt"), ("key", "API server", PKI + "/apiserver.key"),
    ("certificate", "API server kubelet client", PKI + "/apiserver-kubelet-client.crt"),
    ("key", "API server kubelet client", PKI + "/apiserver-kubelet-client.key"),
    ("certificate", "API server etcd client", PKI + "/apiserver-etcd-client.crt"),
    ("key", "API server etcd client", PKI + "/apiserver-etcd-client.key"),
    ("certificate", "front-proxy CA", PKI + "/front-proxy-ca.crt"),
    ("certificate", "front-proxy client", PKI + "/front-proxy-client.crt"),
    ("key", "front-proxy client", PKI + "/front-proxy-client.key"),
    ("key", "service account", PKI + "/sa.key"), ("key", "service account", PKI + "/sa.pub"),
    ("kubeconfig", "admin", "/etc/kubernetes/admin.conf"),
    ("kubeconfig", "controller-manager", "/etc/kubernetes/controller-manager.conf"),
    ("kubeconfig", "scheduler", "/etc/kubernetes/scheduler.conf"),
    ("kubeconfig", "kubelet", "/etc/kubernetes/kubelet.conf"),
]


def fail(message, hint=True):
    """kubeadm's way out: the message on stderr, exit 1."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    if hint:
        sys.stderr.write(STACK_HINT + "\n")
    sys.exit(1)


def load_config(path):
    """{kind: document} of --config PATH, plus '_raw' {kind: text}; fails like kubeadm."""
    if not path:
        fail("kube double: this double needs --config")
    try:
        with open(rp(path)) as f:
            text = f.read()
    except OSError as e:
        fail("unable to read config from \"%s\" : %s" % (path, e.strerror))
    placeholder = re.search(r"\{\{ACP_SECRET:[^}]*\}\}", text)
    if placeholder:
        fail('error: %s still contains the placeholder %s: the bootstrap token "%s" was not of '
             'the form "%s"' % (path, placeholder.group(0), placeholder.group(0), TOKEN_PATTERN))
    chunks = re.split(r"(?m)^---\s*$", text)
    docs, raw = {}, {}
    for chunk in chunks:
        try:
            doc = kd_yaml.load(chunk) if chunk.strip() else None
        except (ValueError, KeyError) as e:
            fail("error converting YAML to JSON: yaml: %s" % e)
        if not isinstance(doc, dict):
            continue
        kind, api = doc.get("kind", ""), doc.get("apiVersion", "")
        if api.startswith("kubeadm.k8s.io/") and api not in APIS:
            fail('no kind "%s" is registered for version "%s" in scheme '
                 '"k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"' % (kind, api))
        docs[kind], raw[kind] = doc, chunk.strip("\n") + "\n"
    docs["_raw"] = raw
    return docs


def check_token(token):
    if not TOKEN.match(token or ""):
        fail('the bootstrap token "%s" was not of the form "%s"' % (token, TOKEN_PATTERN))
    return TOKEN.match(token).groups()


def ignored(ignore_list, check):
    names = {n.strip().lower() for n in ignore_list.split(",") if n.strip()}
    return "all" in names or check.lower() in names


def file_available(path):
    """kubeadm's check name for PATH: FileAvailable--etc-kubernetes-kubelet.conf."""
    return "FileAvailable-" + path.replace("/", "-")


def _problem(check):
    """(check name, message) when CHECK ('file'|'dir'|'port', target) fails, else None."""
    what, target = check
    if what == "file" and os.path.exists(rp(target)):
        return file_available(target), "%s already exists" % target
    if what == "dir" and os.path.isdir(rp(target)) and os.listdir(rp(target)):
        return "DirAvailable-" + target.replace("/", "-"), "%s is not empty" % target
    if what == "port":
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Go's net.Listen does
        try:
            s.bind(("127.0.0.1" if ROOT else "", int(target)))
        except OSError:
            return "Port-%s" % target, "Port %s is in use" % target
        finally:
            s.close()
    return None


def preflight(checks, ignore_list):
    """kubeadm's preflight over CHECKS; errors unless ignored (then warnings)."""
    print("[preflight] Running pre-flight checks")
    errors = []
    for check in checks:
        problem = _problem(check)
        if problem is None:
            continue
        name, message = problem
        if ignored(ignore_list, name):
            print("\t[WARNING %s]: %s" % (name, message))
        else:
            errors.append("\t[ERROR %s]: %s" % (name, message))
    if errors:
        fail("error execution phase preflight: [preflight] Some fatal errors occurred:\n" +
             "\n".join(errors) + "\n[preflight] If you know what you are doing, you can make a "
             "check non-fatal with `--ignore-preflight-errors=...`")


def kubelet_port():
    return int(read_setting("kubelet-port", "10250"))


def external_ca(phase):
    """kubeadm's external-CA mode: ca.crt without ca.key and everything else present."""
    if not os.path.exists(rp(PKI + "/ca.crt")):
        fail("error execution phase %s: invalid or incomplete external CA: failure loading CA "
             "certificate: couldn't load the certificate file %s/ca.crt: open %s/ca.crt: no such "
             "file or directory (kube double: acpctl must place ca.crt)" % (phase, PKI, PKI))
    has_key = os.path.exists(rp(PKI + "/ca.key"))
    for what, name, path in EXTERNAL_CA_FILES:
        if not os.path.exists(rp(path)):
            if what == "kubeconfig":
                detail = "failed to load kubeconfig file %s: open %s: no such file or directory" % (path, path)
            else:
                detail = "failure loading %s for %s: couldn't load the %s file %s: open %s: no such " \
                         "file or directory" % (what, name, what, path, path)
            mode = "" if has_key else " ([certs] external CA mode: ca.key is missing, so kubeadm " \
                                      "cannot create the missing file)"
            fail("error execution phase %s: invalid or incomplete external CA: %s%s" % (phase, detail, mode))
    print('[certs] Using certificateDir folder "%s"' % PKI)
    print("[certs] Using existing ca certificate authority" if has_key else
          "[certs] External CA mode: Using existing ca certificate authority (ca.key not found)")
    for name in ("apiserver", "apiserver-kubelet-client", "front-proxy-client"):
        print("[certs] Using existing %s certificate and key on disk" % name)
    print("[certs] External etcd mode: Skipping etcd/ca certificate authority generation")
    print('[certs] Using the existing "sa" key')
