#!/usr/bin/env python3
"""A user-lock API for the http-lock test, on 127.0.0.1.

    lockapi.py --port-file F --log F --plan F

Writes its port to --port-file.  Each request is logged to --log as one
JSON line (method, path, authorization, idempotency_key, content_type,
body), written before the answer.  --plan, read for every request, is
{"METHOD": status, ...} with "default" for the rest (200); the answer's
body is {"status": N}.
"""
import argparse
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        try:
            with open(self.server.plan) as f:
                plan = json.load(f)
        except (OSError, ValueError):
            plan = {}
        status = int(plan.get(self.command, plan.get("default", 200)))
        rec = {"method": self.command, "path": self.path,
               "authorization": self.headers.get("Authorization"),
               "idempotency_key": self.headers.get("Idempotency-Key"),
               "content_type": self.headers.get("Content-Type"),
               "body": body}
        with lock, open(self.server.log, "a") as f:
            f.write(json.dumps(rec, sort_keys=True) + "\n")
        out = json.dumps({"status": status}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--plan", required=True)
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.log, srv.plan = a.log, a.plan
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
