#!/usr/bin/env python3
"""Write generated SpamExperts outgoing-filter notifications into a Maildir.

Each message is a distinct incident (its own queue id, source address,
sender and time), so the collector stores every one.  Files go straight
into new/, which is how a test fills a mailbox of tens of thousands of
messages in a second; the IMAP server assigns UIDs when it next looks.

usage: gen_notifications.py MAILDIR COUNT [--start N] [--owner UID:GID]
                            [--pad BYTES] [--plain] [--base TIME]
  --start N   number of the first message (default 1), so that later
              calls add new incidents rather than repeat old ones
  --pad N     add N bytes of body text (for messages over a size limit)
  --plain     a plain note that is no report (quarantined when read)
  --base T    the time at the start of each file name (default now), so
              that a later call can write names that sort before
              earlier ones (M10 sorts before M9 within one second)
"""
import argparse
import os
import socket
import time

TEMPLATE = """\
Return-Path: <>
Received: from root by filter{node}.mx.example.net with local-spamexperts-generated (Exim 4.96)
\tid {qid}
\tfor abuse-contact@example.net; {date}
Content-Type: multipart/report; report-type="feedback-report";
 boundary="=_b{n}"
MIME-Version: 1.0
Subject: {subject}
From: noreply@filter{node}.mx.example.net
To: abuse-contact@example.net
Date: {date}
Message-Id: <{qid}@filter{node}.mx.example.net>

--=_b{n}
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: 7bit

This is an abuse report in ARF format (RFC 5965).

The following message, which is from one of your users, '{user}' arrived at {date} and looks like spam, unsolicited bulk e-mail.

--=_b{n}
Content-Type: message/feedback-report
MIME-Version: 1.0

User-Agent: SpamExperts/91234
Version: 1
Feedback-Type: abuse
Original-Envelope-Id: {eid}
Original-Mail-From: {user}
Arrival-Date: {date}
Source-IP: {ip}
Original-Rcpt-To: <victim{n}@example.org>
Authentication-Results: mx.example.net; auth=pass smtp.auth={user}

--=_b{n}
Content-Type: message/rfc822
MIME-Version: 1.0
Content-Disposition: inline

Received: from client.example.com ([{ip}])
 by submit.example.net with esmtpsa (Exim 4.96)
 (envelope-from <{user}>) id {eid}
 for victim{n}@example.org; {date}
Date: {date}
From: {user}
To: victim{n}@example.org
Subject: {subject}
Message-ID: <{eid}.{n}@client.example.com>
X-AuthUser: {user}
X-SpamExperts-Outgoing-Class: spam
X-SpamExperts-Outgoing-Evidence: bulk

Cheap offers number {n}, click now.
{pad}
--=_b{n}--
"""


def message(n, pad, plain):
    t = 1767225600 + n * 7  # 2026-01-01, seven seconds apart
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))
    if plain:
        return ("From: someone{n}@example.org\nTo: abuse@example.net\n"
                "Subject: a note {n}\nDate: {date}\n"
                "Message-Id: <note{n}@example.org>\n\n"
                "Hello, this is note {n}.\n{pad}").format(
                    n=n, date=date, pad=pad).replace("\n", "\r\n")
    return TEMPLATE.format(
        n=n, node=n % 7, date=date,
        qid="1q%06d-%06X-AB" % (n, n * 7919 % 0xFFFFFF),
        eid="1e%06d-%06X-CD" % (n, n * 104729 % 0xFFFFFF),
        ip="10.%d.%d.%d" % (n >> 16 & 255, n >> 8 & 255, n & 255 or 1),
        user="customer%d@example.net" % (n % 250),
        subject="Offer %d for you" % n,
        pad=pad).replace("\n", "\r\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("maildir")
    ap.add_argument("count", type=int)
    ap.add_argument("--start", type=int, default=1)
    ap.add_argument("--owner", default=None)
    ap.add_argument("--pad", type=int, default=0)
    ap.add_argument("--plain", action="store_true")
    ap.add_argument("--base", type=int, default=None)
    a = ap.parse_args()
    new = os.path.join(a.maildir, "new")
    for d in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(a.maildir, d), exist_ok=True)
    uid = gid = None
    if a.owner:
        uid, gid = (int(x) for x in a.owner.split(":"))
        for d in ("", "new", "cur", "tmp"):
            os.chown(os.path.join(a.maildir, d), uid, gid)
    pad = ""
    if a.pad:
        line = "x" * 76 + "\n"
        pad = line * (a.pad // len(line) + 1)
    host = socket.gethostname()
    base = int(time.time()) if a.base is None else a.base
    for n in range(a.start, a.start + a.count):
        data = message(n, pad, a.plain).encode()
        name = "%d.M%dP%d.%s" % (base, n, os.getpid(), host)
        path = os.path.join(new, name)
        with open(path, "wb") as f:
            f.write(data)
        if uid is not None:
            os.chown(path, uid, gid)


if __name__ == "__main__":
    main()
