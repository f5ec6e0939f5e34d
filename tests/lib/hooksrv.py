#!/usr/bin/env python3
"""A webhook receiver for the tests, on 127.0.0.1, that the test steers.

    hooksrv.py --port-file F --log F --plan F [--cert C --key K]
               [--host 127.0.0.1]

Writes the port it listens on to --port-file.  Every request is logged
to --log as one JSON line, written and flushed before the answer goes out:
    {"t": arrival time, "path", "event", "delivery", "signature",
     "content_type", "body", "attempt" (of this delivery key), "action"}

--plan is a JSON file, read again for every request, saying how to answer:
    {"default": [ACTION, ...],
     "by_customer": {"cust-a": [ACTION, ...]},
     "by_event": {"summary.daily": [ACTION, ...]}}
The n-th request for a delivery key gets the n-th action of the first
list that matches (by customer, then by event, then default); the last
action repeats.  Actions:
    "200", "204", "500", "503", "429", "400", ...  answer with that status
    "429:N", "503:N"      that status with Retry-After: N
    "stall:N"             wait N seconds, then close without an answer
    "close"               close the connection without an answer
    "hold"                log, then wait until the file <log>.release
                          exists, then answer 200 (for kill tests)
    "sleep:N"             wait N seconds (may be fractional), answer 200
"""
import argparse
import json
import os
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
attempts = {}


def load_plan(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        key = self.headers.get("X-Abuse-Collector-Delivery", "")
        event = self.headers.get("X-Abuse-Collector-Event", "")
        try:
            customer = json.loads(body).get("case", {}).get("customer")
        except ValueError:
            customer = None
        plan = load_plan(self.server.plan)
        seq = None
        if customer is not None:
            seq = plan.get("by_customer", {}).get(customer)
        if seq is None:
            seq = plan.get("by_event", {}).get(event)
        if seq is None:
            seq = plan.get("default", ["200"])
        with lock:
            attempts[key] = attempts.get(key, 0) + 1
            k = attempts[key]
            action = seq[min(k, len(seq)) - 1]
            rec = {"t": time.time(), "path": self.path, "event": event,
                   "delivery": key,
                   "signature": self.headers.get(
                       "X-Abuse-Collector-Signature", ""),
                   "content_type": self.headers.get("Content-Type", ""),
                   "user_agent": self.headers.get("User-Agent", ""),
                   "body": body, "attempt": k, "action": action}
            with open(self.server.log, "a") as f:
                f.write(json.dumps(rec) + "\n")
                f.flush()
                os.fsync(f.fileno())
        self.act(action)

    def act(self, action):
        name, _, arg = action.partition(":")
        if name == "stall":
            time.sleep(float(arg or 5))
            self.close_connection = True
            return
        if name == "close":
            self.close_connection = True
            return
        if name == "hold":
            while not os.path.exists(self.server.log + ".release"):
                time.sleep(0.05)
            name = "200"
        if name == "sleep":
            time.sleep(float(arg))
            name = "200"
        status = int(name)
        payload = b"ok\n" if status < 300 else \
            b"refused: bad event\n" if status < 500 else b"busy\n"
        try:
            self.send_response(status)
            if arg and name in ("429", "503"):
                self.send_header("Retry-After", arg)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--plan", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--host", default="127.0.0.1")
    a = ap.parse_args()
    srv = Server((a.host, 0), Handler)
    srv.log, srv.plan = a.log, a.plan
    open(a.log, "a").close()
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
