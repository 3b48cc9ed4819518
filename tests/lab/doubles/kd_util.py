# TEST DOUBLE support (not a real Kubernetes binary): what the kubeadm, kubelet and API server
# doubles share. Every file path goes through rp(), which prefixes $KUBE_DOUBLE_ROOT, so the
# doubles can run in a temp dir on a developer's machine; every network address goes through
# check_address(), which allows only loopback and the lab's 10.88.0.0/16.
import datetime
import hashlib
import http.client
import ipaddress
import json
import os
import socket
import ssl
import subprocess
import time

ROOT = os.environ.get("KUBE_DOUBLE_ROOT", "")
LAB_NET = ipaddress.ip_network("10.88.0.0/16")
ETCDCTL = "/opt/acp/components/etcdctl/current/bin/etcdctl"


def rp(path):
    """PATH below $KUBE_DOUBLE_ROOT (absolute paths only; relative ones stay relative)."""
    return ROOT + path if ROOT and path.startswith("/") else path


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def log_line(name, record):
    """Append one JSON line to $ROOT/var/log/kube-double/NAME.log."""
    os.makedirs(rp("/var/log/kube-double"), exist_ok=True)
    record = dict({"time": now_iso(), "pid": os.getpid()}, **record)
    with open(rp("/var/log/kube-double/%s.log" % name), "a") as out:
        out.write(json.dumps(record) + "\n")


def read_setting(name, default):
    """$ROOT/etc/kube-double/NAME's first line, or DEFAULT when the file is absent."""
    try:
        with open(rp("/etc/kube-double/" + name)) as f:
            return f.read().strip() or default
    except OSError:
        return default


def healthz_port():
    return int(read_setting("healthz-port", "10248"))


def write_file(path, text, mode=0o644):
    path = rp(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as out:
        out.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def read_file(path):
    with open(rp(path)) as f:
        return f.read()


class NetworkRefused(Exception):
    pass


def check_address(host):
    """Refuse any address outside loopback and the lab (names are resolved first)."""
    host = host.strip("[]")
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as e:
        raise NetworkRefused("cannot resolve %s: %s" % (host, e))
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if not (ip.is_loopback or (ip.version == 4 and ip in LAB_NET)):
            raise NetworkRefused("kube double: refusing to contact %s (%s): only loopback "
                                 "and 10.88.0.0/16 are allowed" % (host, ip))


def split_endpoint(endpoint):
    """'host:port' or 'https://host:port' or '[v6]:port' -> (host, port)."""
    endpoint = endpoint.split("://", 1)[-1].rstrip("/")
    host, _, port = endpoint.rpartition(":")
    return host.strip("[]"), int(port)


def tls_context(cafile=None, cadata=None, cert=None, key=None):
    """A client context: verifies with CAFILE/CADATA, or not at all when neither is given."""
    ctx = ssl.create_default_context(cafile=cafile, cadata=cadata) if (cafile or cadata) \
        else ssl._create_unverified_context()
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


def https(method, endpoint, path, ctx, headers=None, body=None, timeout=5):
    """(status, body text) of one HTTPS request to ENDPOINT ('host:port')."""
    host, port = split_endpoint(endpoint)
    check_address(host)
    conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def http_get_local(port, path, timeout=2):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


def spki_sha256(ca_pem):
    """kubeadm's CA pin: sha256 over the certificate's SubjectPublicKeyInfo (DER)."""
    pub = subprocess.run(["openssl", "x509", "-pubkey", "-noout"], input=ca_pem.encode(),
                         capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub,
                         capture_output=True, check=True).stdout
    return "sha256:" + hashlib.sha256(der).hexdigest()


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


class Etcd:
    """etcdctl (v3 API) against ENDPOINTS with a client certificate; paths are below ROOT."""

    def __init__(self, endpoints, cafile, certfile, keyfile):
        for endpoint in endpoints:
            check_address(split_endpoint(endpoint)[0])
        self.args = ["--endpoints=" + ",".join(endpoints), "--cacert=" + rp(cafile),
                     "--cert=" + rp(certfile), "--key=" + rp(keyfile), "--command-timeout=3s",
                     "--dial-timeout=2s"]

    def run(self, *args, stdin=None):
        binary = rp(ETCDCTL) if os.path.exists(rp(ETCDCTL)) else "etcdctl"
        # ETCDCTL_ENDPOINTS together with --endpoints is fatal for etcdctl 3.4.
        env = {k: v for k, v in os.environ.items() if not k.startswith("ETCDCTL_")}
        env["ETCDCTL_API"] = "3"
        return subprocess.run([binary] + self.args + list(args), input=stdin, env=env,
                              capture_output=True, text=True, timeout=15)

    def put(self, key, value):
        res = self.run("put", key, stdin=value)
        if res.returncode != 0:
            raise RuntimeError("etcdctl put %s: %s" % (key, res.stderr.strip()))

    def get_prefix(self, prefix):
        """{key: value} of every key below PREFIX."""
        import base64
        res = self.run("get", "--prefix", prefix, "-w", "json")
        if res.returncode != 0:
            raise RuntimeError("etcdctl get %s: %s" % (prefix, res.stderr.strip()))
        kvs = json.loads(res.stdout).get("kvs", [])
        return {base64.b64decode(kv["key"]).decode(): base64.b64decode(kv["value"]).decode()
                for kv in kvs}

    def delete(self, key):
        res = self.run("del", key)
        if res.returncode != 0:
            raise RuntimeError("etcdctl del %s: %s" % (key, res.stderr.strip()))

    def healthy(self):
        """A quorum read succeeds (what kube-apiserver's etcd check needs), not every member."""
        return self.run("get", "health").returncode == 0


def wait_until(check, seconds, interval=0.5):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return True
        except (OSError, http.client.HTTPException, ssl.SSLError):
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
