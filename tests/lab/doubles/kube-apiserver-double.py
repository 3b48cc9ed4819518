#!/usr/bin/env python3
# TEST DOUBLE of kube-apiserver (Kubernetes 1.31), for acpctl's lab tests only; never packaged.
# Imitates: HTTPS on --port with --tls-cert-file/--tls-private-key-file, optional client
# certificates checked against --client-ca-file, bootstrap tokens, objects stored as JSON in the
# real external etcd named by --etcd-servers/--etcd-cafile/--etcd-certfile/--etcd-keyfile (or in a
# directory with --store dir:PATH), /healthz /livez /readyz that fail while etcd does not answer,
# CRUD, server-side apply and merge patch (see kd_api_handler.py, kd_api_objects.py).
# Does not imitate: RBAC, admission, watch, controllers, scheduling, real protobuf storage.
# Every path is below $KUBE_DOUBLE_ROOT. Binds --bind (default 0.0.0.0; 127.0.0.1 when
# $KUBE_DOUBLE_ROOT is set, i.e. outside a lab host).
import os
import signal
import socket
import ssl
import sys
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import kd_api_handler  # noqa: E402
from kd_api_store import DirStore, EtcdStore  # noqa: E402
from kd_util import ROOT, check_address, log_line, rp  # noqa: E402

REQUIRED = ["port", "tls-cert-file", "tls-private-key-file", "client-ca-file"]


def parse_flags(argv):
    """--name=value or --name value; unknown flags are kept and ignored, as a double may."""
    flags, i = {}, 0
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("--"):
            sys.exit("kube-apiserver-double: unexpected argument %r" % arg)
        name, eq, value = arg[2:].partition("=")
        if not eq:
            i += 1
            value = argv[i] if i < len(argv) else ""
        flags[name] = value
        i += 1
    flags.setdefault("port", flags.get("secure-port", ""))
    flags.setdefault("bind", flags.get("bind-address", "127.0.0.1" if ROOT else "0.0.0.0"))
    return flags


def make_store(flags):
    if flags.get("store", "").startswith("dir:"):
        return DirStore(flags["store"][4:])
    for name in ("etcd-servers", "etcd-cafile", "etcd-certfile", "etcd-keyfile"):
        if not flags.get(name):
            sys.exit("kube-apiserver-double: --%s is required without --store dir:PATH" % name)
    return EtcdStore(flags)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, flags, store):
        self.address_family = socket.AF_INET6 if ":" in flags["bind"] else socket.AF_INET
        kd_api_handler.Handler.store = store
        super().__init__((flags["bind"], int(flags["port"])), kd_api_handler.Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(rp(flags["tls-cert-file"]), rp(flags["tls-private-key-file"]))
        ctx.load_verify_locations(rp(flags["client-ca-file"]))
        ctx.verify_mode = ssl.CERT_OPTIONAL
        # The handshake runs in the request's thread, so a silent client blocks only itself.
        self.socket = ctx.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def handle_error(self, request, client_address):
        pass  # a client that drops the connection or fails TLS is not the server's problem


def main(argv):
    flags = parse_flags(argv)
    missing = [n for n in REQUIRED if not flags.get(n)]
    if missing:
        sys.exit("kube-apiserver-double: missing --%s" % ", --".join(missing))
    if flags["bind"] not in ("0.0.0.0", "::"):
        check_address(flags["bind"])
    server = Server(flags, make_store(flags))
    log_line("apiserver", {"event": "listening", "bind": flags["bind"], "port": flags["port"]})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
