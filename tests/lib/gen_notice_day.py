#!/usr/bin/env python3
"""A day of abuse reports for the customer-notice test, into a Maildir.

    gen_notice_day.py MAILDIR DAY ADDRS.json SPEC...

Each SPEC is IP:SENDER:INTERNAL:EXTERNAL[:TAG]: INTERNAL outgoing-filter
reports (ARF, SpamExperts style) and EXTERNAL feedback reports from
outside receivers about mail SENDER sent from IP on DAY (YYYY-MM-DD).
Every offending message goes to its own recipient, every external
report comes from its own complainant, and some subjects name their
recipient.  ADDRS.json gets what a notice may and may not show:
{"forbidden": [every recipient and complainant address],
 "subjects": {SENDER: [subjects]}, "reporter_domains": [...]}.
"""
import email.utils
import json
import os
import sys
import uuid
from datetime import datetime, timedelta, timezone

N = [0]


def internal(ip, sender, rcpt, when, subject, mid):
    date = email.utils.format_datetime(when)
    b = "=====n" + uuid.uuid4().hex
    return f"""Return-Path: <>
Received: from root by filter1.example.net with local-spamexperts-generated (Exim 4.96)
\tid {mid}
\tfor abuse-admin@example.net; {date}
Content-Type: multipart/report; report-type="feedback-report";
 boundary="{b}"
MIME-Version: 1.0
Subject: {subject}
From: noreply@filter1.example.net
To: abuse-admin@example.net
Date: {date}
Message-Id: <report-{mid}@filter1.example.net>

--{b}
Content-Type: text/plain; charset="us-ascii"

This is an abuse report message in ARF format.

--{b}
Content-Type: message/feedback-report

User-Agent: SpamExperts/90001
Version: 1
Original-Envelope-Id: env-{mid}
Original-Mail-From: {sender}
Arrival-Date: {date}
Source-IP: {ip}
Original-Rcpt-To: <{rcpt}>
Feedback-Type: abuse
--{b}
Content-Type: message/rfc822
Content-Disposition: inline

Received: from client.customer.example ([{ip}])
 by filter1.example.net with esmtp (Exim 4.96)
 id env-{mid}; {date}
Date: {date}
From: {sender}
To: {rcpt}
Subject: {subject}
Message-ID: <off-{mid}@customer.example>
X-Originating-IP: {ip}
X-SpamExperts-Outgoing-Class: spam

Buy now, {rcpt}.
--{b}--
"""


def external(ip, sender, rcpt, complainant, when, subject, mid):
    date = email.utils.format_datetime(when)
    b = "=====x" + uuid.uuid4().hex
    return f"""From: {complainant}
To: abuse@example.net
Subject: FW: {subject}
Date: {date}
Message-ID: <fbl-{mid}@{complainant.split('@')[1]}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
 boundary="{b}"

--{b}
Content-Type: text/plain; charset=us-ascii

This is an email abuse report for an email message received from IP {ip}.
I am {complainant} and the spam went to {rcpt}.

--{b}
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ReceiverFBL/1.0
Version: 1
Original-Mail-From: <{sender}>
Original-Rcpt-To: <{rcpt}>
Arrival-Date: {date}
Reporting-MTA: dns; mx.{complainant.split('@')[1]}
Source-IP: {ip}

--{b}
Content-Type: message/rfc822
Content-Disposition: inline

Received: from client.customer.example ([{ip}]) by mx.receiver.example; {date}
From: {sender}
To: {rcpt}
Subject: {subject}
Date: {date}
Message-ID: <off-{mid}@customer.example>

Buy now, {rcpt}.
--{b}--
"""


def write(md, text):
    N[0] += 1
    name = f"{N[0]:06d}.{uuid.uuid4().hex[:12]}.notice-test"
    with open(os.path.join(md, "new", name), "w", newline="") as f:
        f.write(text.replace("\n", "\r\n"))


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    md, day, out = sys.argv[1:4]
    for d in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(md, d), exist_ok=True)
    start = datetime.strptime(day, "%Y-%m-%d").replace(
        hour=8, tzinfo=timezone.utc)
    try:
        with open(out) as f:
            addrs = json.load(f)
    except FileNotFoundError:
        addrs = {"forbidden": [], "subjects": {}, "reporter_domains": []}
    for spec in sys.argv[4:]:
        parts = spec.split(":")
        ip, sender, ni, ne = parts[0], parts[1], int(parts[2]), int(parts[3])
        tag = parts[4] if len(parts) > 4 else uuid.uuid4().hex[:6]
        local = sender.split("@")[0]
        for i in range(ni + ne):
            mid = f"{tag}-{local}-{i}"
            rcpt = f"rcpt-{tag}-{local}-{i}@victims{i % 3}.example"
            when = start + timedelta(minutes=7 * i + len(addrs["forbidden"]))
            subject = (f"Offer {tag} {i} for {rcpt}" if i % 2 else
                       f"Offer {tag} {i} from {local}")
            addrs["forbidden"].append(rcpt)
            addrs["subjects"].setdefault(sender, []).append(
                subject.replace(rcpt, "[address]"))
            if i < ni:
                write(md, internal(ip, sender, rcpt, when, subject, mid))
            else:
                dom = f"complaints{i % 2}.example"
                complainant = f"person-{tag}-{local}-{i}@{dom}"
                addrs["forbidden"].append(complainant)
                if dom not in addrs["reporter_domains"]:
                    addrs["reporter_domains"].append(dom)
                write(md, external(ip, sender, rcpt, complainant, when,
                                   subject, mid))
    with open(out, "w") as f:
        json.dump(addrs, f, indent=1)


if __name__ == "__main__":
    main()
