#!/usr/bin/env python3
"""A token introspection endpoint (RFC 7662) for Dovecot's oauth2 passdb.

  oauth2_server.py PORTFILE TOKENS

Listens on 127.0.0.1 on a free port and writes the port to PORTFILE.
TOKENS holds "token username" lines; a POST of token=T to /introspect
answers {"active": true, "username": U} for a listed token and
{"active": false} for any other.  Each request is appended to
PORTFILE.log, so a test can see that the server was asked.
"""
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(n).decode())
        token = form.get("token", [""])[0]
        known = {}
        with open(self.server.tokens) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    known[parts[0]] = parts[1]
        if token in known:
            doc = {"active": True, "username": known[token]}
        else:
            doc = {"active": False}
        with open(self.server.logfile, "a") as f:
            f.write("%s %s\n" % (self.path, "known" if token in known
                                  else "unknown"))
        body = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def main():
    portfile, tokens = sys.argv[1], sys.argv[2]
    srv = HTTPServer(("127.0.0.1", 0), Handler)
    srv.tokens = tokens
    srv.logfile = portfile + ".log"
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    import os
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
