# TEST DOUBLE support for kube-apiserver-double.py (not the real kube-apiserver): one HTTP
# request. Routes /api/v1/... and /apis/GROUP/VERSION/... to GET (object or list), POST (create,
# 409 when present), PUT (replace, 404 when absent), PATCH (apply-patch+yaml = server-side apply,
# merge-patch+json) and DELETE; pods/NAME/eviction is accepted (201) and nothing is evicted.
# Health endpoints answer from the store's health. Each request is logged as one line (method,
# path, user, status), never headers or bodies. Not imitated: watch, discovery documents beyond
# /version, dry-run, protobuf, table output, subresources other than eviction.
import json
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import kd_api_auth as auth
import kd_api_objects as objects
import kd_yaml
from kd_api_store import key_of, valid_name
from kd_util import log_line

WRITE_LOCK = threading.Lock()
VERSION = {"major": "1", "minor": "31", "gitVersion": "v1.31.6", "platform": "linux/amd64"}


def parse_route(path):
    """{group, version, group_version, namespace, resource, name, sub} of an API path, or None."""
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["api", "v1"]:
        group, version, rest = "", "v1", parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    route = {"group": group, "version": version, "namespace": "", "sub": "",
             "group_version": (group + "/" if group else "") + version}
    if len(rest) >= 3 and rest[0] == "namespaces":
        route["namespace"], rest = rest[1], rest[2:]
    if not rest or len(rest) > 3:
        return None
    route["resource"], route["name"] = rest[0], rest[1] if len(rest) > 1 else ""
    route["sub"] = rest[2] if len(rest) > 2 else ""
    names = [n for n in (route["namespace"], route["name"]) if n]
    return route if all(valid_name(n) for n in names) else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    store = None  # set by the server

    def log_message(self, *args):
        pass

    def reply(self, code, body, user):
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain" if isinstance(body, str) else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        log_line("apiserver", {"method": self.command, "path": self.path, "user": str(user),
                               "status": code})

    def user(self):
        header = self.headers.get("Authorization", "")
        if header:
            return auth.from_bearer(header, self.store)  # None: a bad token, 401
        return auth.from_cert(self.connection.getpeercert()) or auth.ANONYMOUS

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return kd_yaml.load(raw)

    def handle_any(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        user = self.user()
        if user is None:
            return self.reply(401, objects.status(401, "Unauthorized", "Unauthorized"), "?")
        if url.path in ("/healthz", "/livez", "/readyz"):
            if self.store.healthy():
                return self.reply(200, "ok", user)
            return self.reply(500, "[+]ping ok\n[-]etcd failed: reason withheld\n"
                              "%s check failed\n" % url.path[1:], user)
        if url.path == "/version":
            return self.reply(200, VERSION, user)
        route = parse_route(url.path)
        if route is None:
            return self.reply(404, objects.status(404, "NotFound", "the server could not find "
                                                  "the requested resource"), user)
        try:
            body = self.body() if self.command in ("POST", "PUT", "PATCH") else None
        except ValueError as e:
            return self.reply(400, objects.status(400, "BadRequest", str(e)), user)
        if not auth.allowed(user, self.command, route, body):
            msg = '%s "%s" is forbidden: User "%s" cannot %s resource "%s"' % (
                route["resource"], route["name"], user, self.command.lower(), route["resource"])
            return self.reply(403, objects.status(403, "Forbidden", msg), user)
        code, reply = self.dispatch(route, query, body)
        self.reply(code, reply, user)

    def dispatch(self, route, query, body):
        if route["sub"] == "eviction" and route["resource"] == "pods" and self.command == "POST":
            return 201, body or objects.success()
        if route["sub"] and route["sub"] != "status":
            return 404, objects.status(404, "NotFound", "no such subresource")
        if self.command == "GET":
            return self.get(route, query)
        with WRITE_LOCK:
            return self.write(route, query, body)

    def get(self, route, query):
        if not route["name"]:
            items = [objects.synthesize(o, route) for o in self.store.list(key_of(route))]
            items = objects.select(items, query.get("fieldSelector"), query.get("labelSelector"))
            return 200, objects.list_body(route, items)
        obj = self.store.get(key_of(route))
        if obj is None:
            return 404, objects.not_found(route)
        return 200, objects.synthesize(obj, route)

    def write(self, route, query, body):
        if self.command == "POST" and not route["name"]:
            name = ((body or {}).get("metadata") or {}).get("name", "")
            if not valid_name(name):
                return 422, objects.status(422, "Invalid", "metadata.name: Invalid value")
            route = dict(route, name=name)
            if self.store.get(key_of(route)) is not None:
                return 409, objects.status(409, "AlreadyExists", '%s "%s" already exists' % (
                    route["resource"], name), {"name": name, "kind": route["resource"]})
            return self.save(route, None, body, 201)
        if not route["name"]:
            return 405, objects.status(405, "MethodNotAllowed", "the server does not allow this method")
        old = self.store.get(key_of(route))
        if self.command == "DELETE":
            if old is None:
                return 404, objects.not_found(route)
            self.store.delete(key_of(route))
            return 200, objects.success()
        if self.command == "PUT":
            return (404, objects.not_found(route)) if old is None else self.save(route, old, body, 200)
        return self.patch(route, query, old, body)

    def patch(self, route, query, old, body):
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip()
        if ctype == "application/apply-patch+yaml":
            manager = query.get("fieldManager")
            if not manager:
                return 400, objects.status(400, "BadRequest", "PATCH, application/apply-patch+yaml "
                                           "requires fieldManager to be set")
            return self.save(route, old, objects.apply(old, body or {}, manager), 201 if old is None else 200)
        if ctype in ("application/merge-patch+json", "application/strategic-merge-patch+json"):
            if old is None:
                return 404, objects.not_found(route)
            return self.save(route, old, objects.merge(old, body or {}), 200)
        return 415, objects.status(415, "UnsupportedMediaType", "the body of the request was in "
                                   "an unknown format - accepted media types include: "
                                   "application/merge-patch+json, application/apply-patch+yaml")

    def save(self, route, old, obj, code):
        obj = objects.stamp(obj or {}, old, route)
        self.store.put(key_of(route), obj)
        return code, objects.synthesize(obj, route)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any
