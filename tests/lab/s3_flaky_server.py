#!/usr/bin/env python3
"""An HTTP server on 127.0.0.1 that answers like a misbehaving S3, for tests/lab/s3_client.sh.

  usage: s3_flaky_server.py MODE PORT_FILE COUNT_FILE

MODE: "503x2" answers 503 SlowDown twice, then 200 with an ETag; "400" always answers 400
InvalidRequest; "stall" never answers. The port it listens on (chosen by the kernel) is written
to PORT_FILE, the number of requests seen so far to COUNT_FILE after each request.
"""

import http.server
import os
import sys
import threading
import time

mode, port_file, count_file = sys.argv[1], sys.argv[2], sys.argv[3]
lock = threading.Lock()
seen = 0

ERROR = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message></Error>"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        global seen
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        with lock:
            seen += 1
            n = seen
            with open(count_file, "w") as f:
                f.write(str(n))
        if mode == "stall":
            time.sleep(60)
            return
        if mode == "400":
            self.answer(400, ERROR.format("InvalidRequest", "a test refusal").encode())
        elif n <= 2:
            self.answer(503, ERROR.format("SlowDown", "Please reduce your request rate.").encode())
        else:
            self.answer(200, headers=[("ETag", '"00000000000000000000000000000000"')])

    do_GET = do_PUT = do_POST = do_DELETE = handle_any


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
# Bounded: the test stops it, and it stops itself after ten minutes whatever happens.
timer = threading.Timer(600, server.shutdown)
timer.daemon = True
timer.start()
server.serve_forever()
