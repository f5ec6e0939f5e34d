#!/usr/bin/env python3
"""Write abuse reports for the reporter tests into a Maildir.

    mkreports.py MAILDIR internal|external IP DATE SUBJECT [COUNT] [TAG]

internal: an outgoing-filter notification (SpamExperts-style ARF) about a
message from IP; external: an ARF feedback report from an outside
receiver about a message from IP; with MKREPORTS_AUTH_USER in the
environment, an internal one's message names that SMTP AUTH user
(X-AuthUser).  DATE is ISO 8601 UTC
("2026-03-02T10:00:00Z"); each of COUNT reports is one minute later than
the one before.  TAG makes Message-IDs unique across calls.
"""
import email.utils
import os
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone


def header_subject(s):
    from email.header import Header
    if all(32 <= ord(c) < 127 for c in s):
        return s
    return Header(s, "utf-8").encode()


def internal(ip, when, subject, mid):
    date = email.utils.format_datetime(when)
    user = os.environ.get("MKREPORTS_AUTH_USER")
    auth = f"X-AuthUser: {user}\n" if user else ""
    boundary = "=====b" + uuid.uuid4().hex
    return f"""Return-Path: <>
Received: from root by filter1.example.net with local-spamexperts-generated (Exim 4.96)
\tid 1abcde-000001-XY
\tfor abuse-admin@example.net; {date}
Content-Type: multipart/report; report-type="feedback-report";
 boundary="{boundary}"
MIME-Version: 1.0
Subject: {header_subject(subject)}
From: noreply@filter1.example.net
To: abuse-admin@example.net
Date: {date}
Message-Id: <report-{mid}@filter1.example.net>

This is a multi-part message in MIME format.
--{boundary}
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit

This is an abuse report message in ARF format.

The following message, which is from one of your users, 'user@customer.example' arrived at {date} and looks like spam, unsolicited bulk e-mail.

--{boundary}
Content-Type: message/feedback-report
MIME-Version: 1.0

User-Agent: SpamExperts/90001
Version: 1
Original-Envelope-Id: env-{mid}
Original-Mail-From: user@customer.example
Arrival-Date: {date}
Source-IP: {ip}
Original-Rcpt-To: <victim@elsewhere.example>
Feedback-Type: abuse
--{boundary}
Content-Type: message/rfc822
MIME-Version: 1.0
Content-Disposition: inline

Received: from client.customer.example ([{ip}])
 by filter1.example.net with esmtp (Exim 4.96)
 id env-{mid}; {date}
Date: {date}
From: user@customer.example
To: victim@elsewhere.example
Subject: {header_subject(subject)}
Message-ID: <off-{mid}@customer.example>
X-Originating-IP: {ip}
{auth}X-SpamExperts-Outgoing-Class: spam

Buy now.
--{boundary}--
"""


def external(ip, when, subject, mid):
    date = email.utils.format_datetime(when)
    boundary = "=====e" + uuid.uuid4().hex
    return f"""From: fbl@receiver.example
To: abuse@example.net
Subject: FW: {header_subject(subject)}
Date: {date}
Message-ID: <fbl-{mid}@receiver.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
 boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=us-ascii

This is an email abuse report for an email message received from IP {ip}.

--{boundary}
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ReceiverFBL/1.0
Version: 1
Original-Mail-From: <user@customer.example>
Original-Rcpt-To: <someone@receiver.example>
Arrival-Date: {date}
Reporting-MTA: dns; mx.receiver.example
Source-IP: {ip}

--{boundary}
Content-Type: message/rfc822
Content-Disposition: inline

Received: from client.customer.example ([{ip}]) by mx.receiver.example; {date}
From: user@customer.example
To: someone@receiver.example
Subject: {header_subject(subject)}
Date: {date}
Message-ID: <off-{mid}@customer.example>

Buy now.
--{boundary}--
"""


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    md, kind, ip, date, subject = sys.argv[1:6]
    count = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    tag = sys.argv[7] if len(sys.argv) > 7 else uuid.uuid4().hex[:8]
    when = datetime.strptime(date, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc)
    for d in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(md, d), exist_ok=True)
    make = internal if kind == "internal" else external
    for i in range(count):
        t = when + timedelta(minutes=i)
        mid = f"{kind}-{tag}-{i}"
        body = make(ip, t, subject, mid).replace("\n", "\r\n")
        name = f"{int(time.time())}.{kind}{tag}{i}.test"
        with open(os.path.join(md, "new", name), "w", newline="") as f:
            f.write(body)


if __name__ == "__main__":
    main()
