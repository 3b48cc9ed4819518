#!/usr/bin/env python3
"""A fake registry with Bearer token authentication, for tests/lab/oci_client.sh only.

A fake is used here for the auth flow alone: Debian's docker-registry does Bearer only with an
external token server, which Debian does not package. Everything else in the lab test runs
against the real docker-registry.

  oci_fake_bearer.py PORT_FILE LOG_FILE      (user and password from FAKE_USER, FAKE_PASSWORD)

FAKE_MODE=503x2 answers the first two requests 503 (to see them tried again); FAKE_MODE=stall
never answers at all (to see the time-out).

Listens on 127.0.0.1 (only) on a free port, written to PORT_FILE. /v2/... answers 401 with
  WWW-Authenticate: Bearer realm="http://127.0.0.1:PORT/token",service="fake-registry",scope="..."
until a request carries a token this server issued for that scope; /token checks the Basic
credentials and issues {"token": ...}. HEAD/GET /v2/acp/x/manifests/1 answers 200 with a fixed
Docker-Content-Digest; other manifests 404. Each request is logged as one line: method, path with
query, and whether it carried Basic or Bearer (never the value).
"""

import base64
import http.server
import os
import secrets
import sys
import time
import urllib.parse

DIGEST = "sha256:" + "ab" * 32
USER = os.environ.get("FAKE_USER", "")
PASSWORD = os.environ.get("FAKE_PASSWORD", "")
MODE = os.environ.get("FAKE_MODE", "")
TOKENS = {}  # token -> scope
FAILURES = [2 if MODE == "503x2" else 0]  # 503 answers still to give


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self):
        auth = self.headers.get("Authorization", "")
        kind = auth.split(" ", 1)[0] if auth else "-"
        with open(sys.argv[2], "a", encoding="utf-8") as log:
            log.write(f"{self.command} {self.path} {kind}\n")

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def token(self):
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        expected = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization", "") != "Basic " + expected:
            self.answer(401, b'{"details":"wrong credentials"}')
            return
        token = secrets.token_hex(16)
        TOKENS[token] = " ".join(query.get("scope", []))
        self.answer(200, ('{"token": "%s", "expires_in": 60}' % token).encode())

    def registry(self):
        path = urllib.parse.urlparse(self.path).path
        scope = ""
        if path.startswith("/v2/") and "/manifests/" in path:
            scope = "repository:%s:pull" % path[4:path.index("/manifests/")]
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        if token not in TOKENS or TOKENS[token] != scope:
            port = self.server.server_address[1]
            challenge = f'Bearer realm="http://127.0.0.1:{port}/token",service="fake-registry"'
            if scope:
                challenge += f',scope="{scope}"'
            self.answer(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                        [("WWW-Authenticate", challenge)])
        elif path == "/v2/":
            self.answer(200, b"{}")
        elif path == "/v2/acp/x/manifests/1":
            self.answer(200, b"", [("Docker-Content-Digest", DIGEST)])
        else:
            self.answer(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}')

    def do_GET(self):
        self.record()
        if MODE == "stall":
            time.sleep(3600)
        elif FAILURES[0] > 0:
            FAILURES[0] -= 1
            self.answer(503, b'{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}')
        elif self.path.startswith("/token"):
            self.token()
        else:
            self.registry()

    def do_HEAD(self):
        self.record()
        self.registry()


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
