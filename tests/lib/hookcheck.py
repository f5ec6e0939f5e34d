#!/usr/bin/env python3
"""Read the log of hooksrv.py and check it.

    hookcheck.py list LOG        one line per request:
                                 EVENT CUSTOMER-OR-DAY ATTEMPT ACTION KEY
    hookcheck.py bodies LOG DIR  write each body to DIR/N.json as received
                                 and print "N SIGNATURE" per request
    hookcheck.py schema LOG      check every payload against the
                                 documented schema; print the problems
    hookcheck.py keys LOG        print "events E keys K requests R" and a
                                 line for every key whose body changed
                                 between attempts and every event that
                                 came under more than one key
    hookcheck.py gaps LOG KEY    seconds between the attempts of KEY
"""
import json
import os
import re
import sys

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")


def records(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def subject(rec):
    p = json.loads(rec["body"])
    if "case" in p:
        return p["case"]["customer"], p["case"]["day"]
    if p.get("event") == "summary.updated":
        return p.get("day", "-"), "%s#%s" % (p.get("day"), p.get("update"))
    if p.get("event", "").startswith("source."):
        return p.get("source", "-"), p.get("id", "-")
    return p.get("day", "-"), p.get("day", "-")


def check_case(c, where, bad, event=None):
    # A case none of whose reports counts any more has no first or last.
    empty = event == "case.unconfirmed" and c.get("confidence") == "none"
    seen = type(None) if empty else str
    want = {"customer": str, "day": str, "confidence": str,
            "score": (int, float), "internal_reports": int,
            "external_reports": int, "distinct_source_ips": int,
            "distinct_reporters": int, "first_seen": seen,
            "last_seen": seen, "escalated": bool}
    for k, t in want.items():
        if not isinstance(c.get(k), t) or (t is int and
                                           isinstance(c.get(k), bool)):
            bad.append("%s: case.%s is %r" % (where, k, c.get(k)))
    if "escalated_at" not in c:
        bad.append("%s: case.escalated_at missing" % where)
    # A confirmation taken back from a case none of whose reports counts
    # any more leaves confidence "none".
    allowed = ("internal", "external", "confirmed") + \
        (("none",) if event == "case.unconfirmed" else ())
    if c.get("confidence") not in allowed:
        bad.append("%s: confidence %r" % (where, c.get("confidence")))
    for k in ("first_seen", "last_seen"):
        if not empty and not ISO.match(str(c.get(k))):
            bad.append("%s: case.%s not ISO 8601" % (where, k))
    if not DAY.match(str(c.get("day"))):
        bad.append("%s: case.day %r" % (where, c.get("day")))


def schema(recs):
    bad = []
    for i, r in enumerate(recs):
        where = "request %d" % (i + 1)
        try:
            p = json.loads(r["body"])
        except ValueError:
            bad.append("%s: body is not JSON" % where)
            continue
        if p.get("event") != r["event"]:
            bad.append("%s: event header %r, body %r" % (
                where, r["event"], p.get("event")))
        if p.get("id") != r["delivery"] or not HEX32.match(r["delivery"]):
            bad.append("%s: delivery header %r, body id %r" % (
                where, r["delivery"], p.get("id")))
        if not ISO.match(str(p.get("created_at"))):
            bad.append("%s: created_at %r" % (where, p.get("created_at")))
        if not r["signature"].startswith("sha256="):
            bad.append("%s: signature %r" % (where, r["signature"]))
        if r["content_type"] != "application/json":
            bad.append("%s: content type %r" % (where, r["content_type"]))
        if p.get("event", "").startswith("case."):
            check_case(p.get("case", {}), where, bad, p.get("event"))
            x = p.get("correction")
            if x is not None and (
                    x.get("action") not in ("accept", "dismiss", "restore")
                    or not isinstance(x.get("by"), str)
                    or not ISO.match(str(x.get("at")))
                    or "reason" not in x):
                bad.append("%s: correction %r" % (where, x))
        elif p.get("event") in ("summary.daily", "summary.updated"):
            if p["event"] == "summary.updated":
                ch = p.get("changes")
                if not isinstance(p.get("update"), int) or \
                        p["update"] < 1:
                    bad.append("%s: update %r" % (where, p.get("update")))
                if not isinstance(ch, dict) or sorted(ch) != [
                        "confirmed", "escalated", "unconfirmed",
                        "unescalated"] or not all(
                        isinstance(v, list) and
                        all(isinstance(x, str) for x in v)
                        for v in ch.values()):
                    bad.append("%s: changes %r" % (where, ch))
            t = p.get("totals", {})
            for k in ("confirmed", "internal_only", "external_only",
                      "unresolved_reports", "quarantined",
                      "internal_reports", "external_reports", "escalated"):
                if not isinstance(t.get(k), int):
                    bad.append("%s: totals.%s is %r" % (where, k, t.get(k)))
            if not DAY.match(str(p.get("day"))):
                bad.append("%s: day %r" % (where, p.get("day")))
            if not isinstance(p.get("customers"), list) or \
                    not isinstance(p.get("customers_total"), int):
                bad.append("%s: customers" % where)
            for c in p.get("customers", []):
                for k in ("customer", "confidence", "score",
                          "internal_reports", "external_reports",
                          "distinct_source_ips", "escalated"):
                    if k not in c:
                        bad.append("%s: customers[].%s missing" % (where, k))
        elif p.get("event") in ("source.failing", "source.silent",
                                "source.recovered"):
            for k in ("source", "detail"):
                if not isinstance(p.get(k), str) or not p[k]:
                    bad.append("%s: %s is %r" % (where, k, p.get(k)))
            if not isinstance(p.get("failures"), int) or \
                    isinstance(p.get("failures"), bool):
                bad.append("%s: failures %r" % (where, p.get("failures")))
            for k in ("failing_since", "newest_message_at"):
                if k not in p or (p[k] is not None and
                                  not ISO.match(str(p[k]))):
                    bad.append("%s: %s %r" % (where, k, p.get(k)))
            if "last_error" not in p or not isinstance(
                    p["last_error"], (str, type(None))):
                bad.append("%s: last_error %r" % (where, p.get("last_error")))
            want = ("source.failing", "source.silent") \
                if p["event"] == "source.recovered" else (None,)
            if p.get("recovered_from", 0) not in want:
                bad.append("%s: recovered_from %r" % (
                    where, p.get("recovered_from", "missing")))
        else:
            bad.append("%s: unknown event %r" % (where, p.get("event")))
    return bad


def main():
    cmd, log = sys.argv[1], sys.argv[2]
    recs = records(log)
    if cmd == "list":
        for r in recs:
            who, day = subject(r)
            print(r["event"], who, r["attempt"], r["action"], r["delivery"])
    elif cmd == "bodies":
        d = sys.argv[3]
        os.makedirs(d, exist_ok=True)
        for i, r in enumerate(recs):
            with open(os.path.join(d, "%d.json" % i), "wb") as f:
                f.write(r["body"].encode("utf-8"))
            print(i, r["signature"])
    elif cmd == "schema":
        for b in schema(recs):
            print(b)
    elif cmd == "keys":
        body_of, key_of, events = {}, {}, set()
        for r in recs:
            k = r["delivery"]
            who, day = subject(r)
            ev = (r["event"], who, day)
            events.add(ev)
            if k in body_of and body_of[k] != r["body"]:
                print("body changed under key", k)
            body_of.setdefault(k, r["body"])
            key_of.setdefault(ev, set()).add(k)
        for ev, ks in sorted(key_of.items()):
            if len(ks) > 1:
                print("event under %d keys: %s" % (len(ks), " ".join(ev)))
        print("events %d keys %d requests %d" % (len(events), len(body_of),
                                                 len(recs)))
    elif cmd == "gaps":
        ts = [r["t"] for r in recs if r["delivery"] == sys.argv[3]]
        print(" ".join("%.2f" % (b - a) for a, b in zip(ts, ts[1:])))


if __name__ == "__main__":
    main()
