#!/usr/bin/env python3
"""Check the customer notices in an SMTP spool (tests/lib/smtpsrv.py).

    noticecheck.py ADDRS.json SPOOL [CUSTOMER=CONTACT=SENDER[,SENDER]...]...

ADDRS.json is gen_notice_day.py's.  Always: no notice holds an address
in "forbidden" (recipients, complainants), in its headers or its
decoded text.  With CUSTOMER=...: those are all the notices there are,
one per customer at its CONTACT, each with the Auto-Submitted header,
the customer's subject token, a Message-ID, and each SENDER with its
sample subjects (as the notice shows them).  Prints what is wrong, one
line each; nothing when all is well.
"""
import email
import email.policy
import json
import os
import sys


def main():
    with open(sys.argv[1]) as f:
        addrs = json.load(f)
    spool = sys.argv[2]
    want = {}
    for a in sys.argv[3:]:
        cust, contact, senders = a.split("=")
        want[contact] = (cust, senders.split(","))
    got = {}
    bad = []
    for name in sorted(os.listdir(spool)):
        if not name.endswith(".eml"):
            continue
        raw = open(os.path.join(spool, name), "rb").read()
        m = email.message_from_bytes(raw, policy=email.policy.default)
        text = m.get_body(("plain",)).get_content()
        whole = raw.decode("utf-8", "replace") + text
        for x in addrs["forbidden"]:
            if x.lower() in whole.lower():
                bad.append(f"{name}: holds {x}")
        got.setdefault(str(m["To"]), []).append((name, m, text))
    if not want:
        print("\n".join(bad))
        return
    if sorted(got) != sorted(want):
        bad.append(f"notices to {sorted(got)}, want {sorted(want)}")
    for to, (cust, senders) in want.items():
        ms = got.get(to, [])
        if len(ms) != 1:
            bad.append(f"{len(ms)} notices to {to}")
            continue
        name, m, text = ms[0]
        if m["Auto-Submitted"] != "auto-generated":
            bad.append(f"{name}: Auto-Submitted is {m['Auto-Submitted']}")
        if not str(m["Subject"]).startswith(f"[abuse-collector {cust} "):
            bad.append(f"{name}: subject {m['Subject']}")
        if not str(m["Message-ID"] or "").startswith("<notice-"):
            bad.append(f"{name}: Message-ID {m['Message-ID']}")
        for s in senders:
            if s not in text:
                bad.append(f"{name}: sender {s} missing")
            for subj in addrs["subjects"][s][:10]:
                if subj not in text:
                    bad.append(f"{name}: subject '{subj}' missing")
    print("\n".join(bad))


if __name__ == "__main__":
    main()
