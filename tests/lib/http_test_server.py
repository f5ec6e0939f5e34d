#!/usr/bin/env python3
"""A scripted HTTP(S) server for the tests, on 127.0.0.1 only.

    http_test_server.py --port-file F [--tls CERT KEY] [--log F]
                        [--answers F] [--token T]

It binds an ephemeral port and writes it to the port file once it
listens.  Every request is appended to the log as one JSON line (method,
path, query, selected headers, body), so a test can count and inspect
what the program sent.

Routes:
  /echo           200, the request as JSON
  /status/N       status N, body "status N"
  /slow/S         200 after S seconds
  /big/N          200 with N bytes
  /lookup         the customer lookup API: the answers file (read on each
                  request, so a test can change it between runs) maps an
                  ip or user parameter to {"status", "body", "delay"};
                  no entry is a 404.  With --token, a request without
                  "Authorization: Bearer T" gets 401.
"""
import argparse
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, body):
        url = urlsplit(self.path)
        entry = {
            "method": self.command,
            "path": url.path,
            "query": {k: v[0] for k, v in parse_qs(url.query).items()},
            "authorization": self.headers.get("Authorization"),
            "content_type": self.headers.get("Content-Type"),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }
        if self.server.log_path:
            with LOCK, open(self.server.log_path, "a") as f:
                f.write(json.dumps(entry) + "\n")
        return url, entry

    def send(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        url, entry = self.record(body)
        parts = url.path.strip("/").split("/")
        if parts[0] == "echo":
            self.send(200, json.dumps(entry))
        elif parts[0] == "status" and len(parts) == 2:
            self.send(int(parts[1]), "status " + parts[1], "text/plain")
        elif parts[0] == "slow" and len(parts) == 2:
            time.sleep(float(parts[1]))
            self.send(200, '{"slow": true}')
        elif parts[0] == "big" and len(parts) == 2:
            self.send(200, b"x" * int(parts[1]), "text/plain")
        elif parts[0] == "lookup":
            self.lookup(entry)
        else:
            self.send(404, '{"error": "no such route"}')

    def lookup(self, entry):
        token = self.server.token
        if token and entry["authorization"] != "Bearer " + token:
            self.send(401, '{"error": "unauthorized"}')
            return
        answers = {}
        if self.server.answers_path and os.path.exists(
                self.server.answers_path):
            with open(self.server.answers_path) as f:
                answers = json.load(f)
        q = entry["query"]
        spec = answers.get(q.get("ip", "")) or answers.get(q.get("user", ""))
        if spec is None:
            self.send(404, '{"customer": null}')
            return
        time.sleep(spec.get("delay", 0))
        self.send(spec.get("status", 200), spec.get("body", ""))

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--log")
    ap.add_argument("--answers")
    ap.add_argument("--token")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.log_path = a.log
    srv.answers_path = a.answers
    srv.token = a.token
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
