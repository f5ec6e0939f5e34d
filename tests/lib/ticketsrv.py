#!/usr/bin/env python3
"""A ticketing system's REST API on 127.0.0.1, for the ticket-http tests.

    ticketsrv.py --api jira|zammad|gitlab --port-file F --state F
                 --auth "Authorization value" [--plan F] [--log F]

It answers as the documented API does, for the calls a type = http
ticket target makes:

  jira    POST /rest/api/3/issue                 201 {"id", "key", "self"}
          POST /rest/api/3/issue/KEY/comment     201 {"id", ...}
          GET  /rest/api/3/search?jql=labels=X   200 {"issues": [...]}
  zammad  POST /api/v1/tickets                   201 {"id", "number", ...}
          POST /api/v1/ticket_articles           201 {"id", "ticket_id"}
          GET  /api/v1/tickets/search?query=X    200 {"tickets": [id...]}
  gitlab  POST /api/v4/projects/P/issues         201 {"id", "iid", ...}
          POST /api/v4/projects/P/issues/IID/notes  201 {"id", ...}
          GET  /api/v4/projects/P/issues?labels=X   200 [{"iid", ...}]

A request without the expected Authorization header gets 401; a body
that is not the JSON the API takes gets 400.  The plan file, read on
each create or update, is {"create": [...], "update": [...]}: each
entry, a status or "noid" (201 without the id, nothing created), is
taken for one request of that kind before it answers normally.  The
tickets, their text and comments are written to the state file after
each change; every request is logged as a JSON line (reusing
http_test_server's handler).
"""
import argparse
import json
import os
import re
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_test_server import Handler  # noqa: E402
from http.server import ThreadingHTTPServer  # noqa: E402

LOCK = threading.Lock()


def adf_text(node):
    """The text of an Atlassian Document Format node."""
    if isinstance(node, dict):
        t = node.get("text", "") if node.get("type") == "text" else ""
        return t + "".join(adf_text(c) for c in node.get("content", []))
    return ""


class Tickets(Handler):
    def planned(self, kind):
        p = self.server.plan_path
        if not p or not os.path.exists(p):
            return None
        with open(p) as f:
            plan = json.load(f)
        steps = plan.get(kind, [])
        if not steps:
            return None
        step = steps.pop(0)
        with open(p + ".tmp", "w") as f:
            json.dump(plan, f)
        os.rename(p + ".tmp", p)
        return step

    def save(self):
        tmp = self.server.state_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.server.tickets, f, indent=1)
        os.rename(tmp, self.server.state_path)

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        url, entry = self.record(body)
        if entry["authorization"] != self.server.auth:
            self.send(401, '{"error": "unauthorized"}')
            return
        doc = None
        if self.command in ("POST", "PUT"):
            if entry["content_type"] != "application/json":
                self.send(415, '{"error": "not JSON"}')
                return
            try:
                doc = json.loads(body)
            except ValueError:
                self.send(400, '{"error": "the body is not JSON"}')
                return
        with LOCK:
            getattr(self, self.server.api)(url, entry, doc)

    def create(self, ticket, answer):
        step = self.planned("create")
        if step == "noid":
            self.send(201, '{"message": "created"}')
            return
        if step is not None:
            self.send(int(step), '{"error": "planned"}')
            return
        self.server.tickets.append(ticket)
        self.save()
        self.send(201, json.dumps(answer))

    def update(self, ticket, text, answer):
        step = self.planned("update")
        if step is not None:
            self.send(int(step), '{"error": "planned"}')
            return
        ticket["comments"].append(text)
        self.save()
        self.send(201, json.dumps(answer))

    def find(self, field, value):
        for t in self.server.tickets:
            if str(t[field]) == str(value):
                return t
        return None

    def jira(self, url, entry, doc):
        path = url.path
        n = len(self.server.tickets) + 1
        m = re.fullmatch(r"/rest/api/3/issue/([^/]+)/comment", path)
        if path == "/rest/api/3/issue" and self.command == "POST":
            try:
                f = doc["fields"]
                assert isinstance(f["project"]["key"], str)
                assert isinstance(f["issuetype"]["name"], str)
                assert f["description"]["type"] == "doc"
                t = {"id": str(10000 + n), "key": "ABUSE-%d" % n,
                     "summary": f["summary"], "labels": f["labels"],
                     "text": adf_text(f["description"]), "comments": []}
            except (KeyError, TypeError, AssertionError):
                self.send(400, '{"errorMessages": ["bad issue"]}')
                return
            self.create(t, {"id": t["id"], "key": t["key"],
                            "self": "http://jira/rest/api/3/issue/" +
                            t["id"]})
        elif m and self.command == "POST":
            t = self.find("key", m.group(1)) or self.find("id", m.group(1))
            if t is None:
                self.send(404, '{"errorMessages": ["no such issue"]}')
                return
            try:
                text = adf_text(doc["body"])
            except (KeyError, TypeError):
                self.send(400, '{"errorMessages": ["bad comment"]}')
                return
            self.update(t, text, {"id": str(len(t["comments"]) + 1)})
        elif path == "/rest/api/3/search" and self.command == "GET":
            jm = re.fullmatch(r'labels\s*=\s*"?([^"]+)"?',
                              entry["query"].get("jql", ""))
            if jm is None:
                self.send(400, '{"errorMessages": ["bad jql"]}')
                return
            found = [{"id": t["id"], "key": t["key"]}
                     for t in self.server.tickets
                     if jm.group(1) in t["labels"]]
            self.send(200, json.dumps({"startAt": 0, "maxResults": 50,
                                       "total": len(found),
                                       "issues": found}))
        else:
            self.send(404, '{"errorMessages": ["no such route"]}')

    def zammad(self, url, entry, doc):
        path = url.path
        n = len(self.server.tickets) + 1
        if path == "/api/v1/tickets" and self.command == "POST":
            try:
                a = doc["article"]
                assert isinstance(doc["group"], str)
                assert isinstance(doc["customer_id"], str)
                t = {"id": n, "title": doc["title"], "text": a["body"],
                     "comments": []}
            except (KeyError, TypeError, AssertionError):
                self.send(422, '{"error": "bad ticket"}')
                return
            self.create(t, {"id": n, "number": str(31000 + n),
                            "title": t["title"], "group_id": 1})
        elif path == "/api/v1/ticket_articles" and self.command == "POST":
            t = self.find("id", (doc or {}).get("ticket_id"))
            if t is None or not isinstance(doc.get("body"), str):
                self.send(422, '{"error": "bad article"}')
                return
            self.update(t, doc["body"], {"id": 100 + len(t["comments"]),
                                         "ticket_id": t["id"]})
        elif path == "/api/v1/tickets/search" and self.command == "GET":
            q = entry["query"].get("query", "")
            found = [t["id"] for t in self.server.tickets
                     if q and (q in t["title"] or q in t["text"])]
            self.send(200, json.dumps({"tickets": found,
                                       "tickets_count": len(found),
                                       "assets": {}}))
        else:
            self.send(404, '{"error": "no such route"}')

    def gitlab(self, url, entry, doc):
        path = url.path
        n = len(self.server.tickets) + 1
        m = re.fullmatch(r"/api/v4/projects/42/issues/(\d+)/notes", path)
        if path == "/api/v4/projects/42/issues" and self.command == "POST":
            try:
                t = {"iid": n, "id": 500 + n, "title": doc["title"],
                     "text": doc["description"],
                     "labels": doc["labels"].split(","), "comments": []}
            except (KeyError, TypeError, AttributeError):
                self.send(400, '{"message": "bad issue"}')
                return
            self.create(t, {"id": t["id"], "iid": n, "project_id": 42,
                            "title": t["title"],
                            "web_url": "http://gitlab/issues/%d" % n})
        elif m and self.command == "POST":
            t = self.find("iid", m.group(1))
            if t is None:
                self.send(404, '{"message": "404 Issue Not Found"}')
                return
            if not isinstance((doc or {}).get("body"), str):
                self.send(400, '{"message": "body is missing"}')
                return
            self.update(t, doc["body"], {"id": 900 + len(t["comments"]),
                                         "noteable_iid": t["iid"]})
        elif path == "/api/v4/projects/42/issues" and self.command == "GET":
            lab = entry["query"].get("labels", "")
            found = [{"iid": t["iid"], "id": t["id"]}
                     for t in self.server.tickets if lab in t["labels"]]
            self.send(200, json.dumps(found))
        else:
            self.send(404, '{"message": "404 Not Found"}')

    do_GET = do_POST = do_PUT = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--api", required=True,
                    choices=("jira", "zammad", "gitlab"))
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--auth", required=True)
    ap.add_argument("--plan")
    ap.add_argument("--log")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Tickets)
    srv.daemon_threads = True
    srv.api = a.api
    srv.auth = a.auth
    srv.plan_path = a.plan
    srv.state_path = a.state
    srv.log_path = a.log
    srv.tickets = []
    Tickets.save(type("S", (), {"server": srv})())
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
