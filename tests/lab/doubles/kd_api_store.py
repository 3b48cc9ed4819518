# TEST DOUBLE support for kube-apiserver-double.py (not the real kube-apiserver): where objects
# live. EtcdStore keeps them as JSON under /registry/... in the real external etcd (through
# etcdctl), like kube-apiserver does with protobuf; DirStore keeps the same keys as files under a
# directory for loopback tests without etcd. Keys: /registry/[GROUP/]RESOURCE/[NAMESPACE/]NAME.
import json
import os
import re
import time

from kd_util import Etcd, rp

_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$")


def valid_name(name):
    return bool(_NAME.match(name or "")) and ".." not in name and len(name) <= 253


def key_of(route, name=None):
    """The object's key, or (NAME None and no route name) the list prefix ending in '/'."""
    parts = ["/registry"]
    if route["group"]:
        parts.append(route["group"])
    parts.append(route["resource"])
    if route["namespace"]:
        parts.append(route["namespace"])
    name = name if name is not None else route["name"]
    return "/".join(parts) + "/" + (name or "")


class EtcdStore:
    def __init__(self, flags):
        self.etcd = Etcd(flags["etcd-servers"].split(","), flags["etcd-cafile"],
                         flags["etcd-certfile"], flags["etcd-keyfile"])
        self._health = (0.0, False)

    def get(self, key):
        found = self.etcd.get_prefix(key)
        return json.loads(found[key]) if key in found else None

    def put(self, key, obj):
        self.etcd.put(key, json.dumps(obj))

    def delete(self, key):
        self.etcd.delete(key)

    def list(self, prefix):
        return [json.loads(v) for _, v in sorted(self.etcd.get_prefix(prefix).items())]

    def healthy(self):
        """etcd answers a quorum read; cached for 2 s like a probe would see it."""
        at, ok = self._health
        if time.monotonic() - at > 2:
            ok = self.etcd.healthy()
            self._health = (time.monotonic(), ok)
        return ok


class DirStore:
    def __init__(self, path):
        self.path = rp(path)
        os.makedirs(self.path, exist_ok=True)

    def _file(self, key):
        return os.path.join(self.path, key.lstrip("/"))

    def get(self, key):
        try:
            with open(self._file(key)) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def put(self, key, obj):
        path = self._file(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w") as out:
            json.dump(obj, out)
        os.replace(path + ".tmp", path)

    def delete(self, key):
        try:
            os.remove(self._file(key))
        except FileNotFoundError:
            pass

    def list(self, prefix):
        out = []
        for dirpath, _, files in os.walk(self._file(prefix)):
            for name in sorted(files):
                if not name.endswith(".tmp"):
                    with open(os.path.join(dirpath, name)) as f:
                        out.append(json.load(f))
        return out

    def healthy(self):
        return True
