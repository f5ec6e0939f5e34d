#!/usr/bin/env python3
"""Generate abuse-report mail for tests, benchmarks and the demo.

Every message is invented here: SpamExperts-style outgoing notifications
(internal) and ARF feedback-loop reports (external) about a small
population of customers, written as a Maildir, an mbox or single files.
The output depends only on the arguments (a seeded random generator).

  genmail.py --maildir DIR --count N [--seed S] [--day YYYY-MM-DD]
  genmail.py --mbox FILE --count N
  genmail.py --one internal|external --seed S   (one message on stdout)
"""

import argparse
import datetime
import os
import random
import sys

PROVIDER = "example.net"
MTAS = ["smtp1.example.net", "smtp2.example.net"]
MTA_IP = {"smtp1.example.net": "192.0.2.25", "smtp2.example.net": "192.0.2.26"}
FILTER = "filter1.mailguard.example.org"
REPORTERS = [
    ("fbl.mailbox.example.com", "MailboxFBL/2.1"),
    ("feedback.webmail.example.org", "WebmailFeedback/1.0"),
    ("abuse-reports.example.info", "ReportDesk/3.4"),
]
SUBJECTS = [
    "Your invoice is overdue", "Claim your prize now", "Cheap watches",
    "Re: meeting tomorrow", "Account verification required",
    "Limited offer: 90% off", "Urgent: update your password",
]


def customers(n):
    """A population: each customer has a login, a domain and an address."""
    out = []
    for i in range(n):
        cid = 1000 + i
        out.append({
            "id": "cust-%d" % cid,
            "user": "user%d@%s" % (cid, "hosted%d.example" % (cid % 97)),
            "ip": "198.51.%d.%d" % ((cid // 250) % 256, 1 + cid % 250),
            "domain": "hosted%d.example" % (cid % 97),
        })
    return out


def rfc5322(t):
    return t.strftime("%a, %d %b %Y %H:%M:%S +0000")


def offending(rng, c, t, subject, msgid, rcpt, extra=""):
    """The message a customer sent: our MTA's hops and identity header;
    extra header lines go at the end of the header block."""
    mta = rng.choice(MTAS)
    return (
        "Received: from %s ([%s]) by %s with esmtps id %s\n"
        "\tfor <%s>; %s\n"
        "Received: from [%s] (helo=laptop) by %s with esmtpa (Exim 4.96)\n"
        "\tid %s; %s\n"
        "X-AuthUser: %s\n"
        "From: <%s>\n"
        "To: <%s>\n"
        "Subject: %s\n"
        "Date: %s\n"
        "Message-ID: <%s>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "%s"
        "\n"
        "Hello,\n\nthis is the body of an unwanted message (%s).\n"
        % (mta, MTA_IP[mta], FILTER, msgid.split("@")[0][:12], rcpt,
           rfc5322(t), c["ip"], mta, msgid.split("@")[0][:10], rfc5322(t),
           c["user"], "news@" + c["domain"], rcpt, subject, rfc5322(t),
           msgid, extra, msgid)
    )


def internal(rng, c, t, n):
    """An outgoing-filter notification about customer c."""
    subject = rng.choice(SUBJECTS)
    msgid = "%08x.%d@%s" % (rng.getrandbits(32), n, c["domain"])
    rcpt = "victim%d@mailbox.example.com" % rng.randrange(1000)
    envid = "1%s-%06X-%s" % (rng.choice("abcdefgh"), rng.getrandbits(24),
                             rng.choice("AB"))
    boundary = "===============%019d==" % rng.getrandbits(60)
    body = offending(rng, c, t, subject, msgid, rcpt,
                     "X-SpamExperts-Outgoing-Class: spam\n"
                     "X-SpamExperts-Outgoing-Evidence: Combined (0.95)\n")
    return (
        "Return-Path: <>\n"
        "Received: from root by %s with local-spamexperts-generated "
        "(Exim 4.96)\n\tid %s\n\tfor abuse@%s; %s\n"
        'Content-Type: multipart/report; report-type="feedback-report";\n'
        ' boundary="%s"\n'
        "MIME-Version: 1.0\n"
        "Subject: %s\n"
        "From: noreply@%s\n"
        "To: abuse@%s\n"
        "Date: %s\n"
        "Message-Id: <%s@%s>\n"
        "\n"
        "This is a multi-part message in MIME format.\n"
        "--%s\n"
        'Content-Type: text/plain; charset="us-ascii"\n'
        "MIME-Version: 1.0\n"
        "Content-Transfer-Encoding: 7bit\n"
        "\n"
        "This is an abuse report message in ARF format.\n\n"
        "The following message, which is from one of your users, "
        "'%s' arrived at %s and looks like spam, unsolicited bulk "
        "e-mail.\n\n"
        "--%s\n"
        "Content-Type: message/feedback-report\n"
        "MIME-Version: 1.0\n"
        "\n"
        "User-Agent: SpamExperts/91234\n"
        "Version: 1\n"
        "Original-Envelope-Id: %s\n"
        "Original-Mail-From: news@%s\n"
        "Arrival-Date: %s\n"
        "Source-IP: %s\n"
        "Original-Rcpt-To: <%s>\n"
        "Authentication-Results: %s; auth=pass smtp.auth=%s\n"
        "Feedback-Type: abuse\n"
        "--%s\n"
        "Content-Type: message/rfc822\n"
        "MIME-Version: 1.0\n"
        "Content-Disposition: inline\n"
        "\n"
        "%s"
        "--%s--\n"
        % (FILTER, envid, PROVIDER, rfc5322(t), boundary, subject, FILTER,
           PROVIDER, rfc5322(t), envid, FILTER, boundary, c["user"],
           rfc5322(t), boundary, envid, c["domain"], rfc5322(t), c["ip"],
           rcpt, FILTER, c["user"], boundary, body, boundary)
    )


def external(rng, c, t, n, reporter=None, direct=None):
    """A feedback-loop report from a mailbox provider about customer c.
    The spam went out through the provider's MTAs (the report's Source-IP
    is then an MTA and the customer shows only in the inner headers), or
    directly from the customer's own server."""
    rdom, agent = reporter or rng.choice(REPORTERS)
    if direct is None:
        direct = rng.random() < 0.5
    subject = rng.choice(SUBJECTS)
    msgid = "%08x.%d@%s" % (rng.getrandbits(32), n, c["domain"])
    rcpt = "reader%d@%s" % (rng.randrange(1000), rdom)
    boundary = "fbl-%016x" % rng.getrandbits(64)
    later = t + datetime.timedelta(minutes=rng.randrange(5, 240))
    if direct:
        sender = c["ip"]
        hops = ("Received: from mail.%s (mail.%s [%s]) by mx.%s with ESMTPS;"
                "\n\t%s\n" % (c["domain"], c["domain"], c["ip"], rdom,
                               rfc5322(t)))
    else:
        mta = rng.choice(MTAS)
        sender = MTA_IP[mta]
        hops = ("Received: from %s (%s [%s]) by mx.%s with ESMTPS;\n\t%s\n"
                "Received: from [%s] (helo=laptop) by %s with esmtpa (Exim 4.96)\n"
                "\tid %08x; %s\n"
                "X-AuthUser: %s\n"
                % (mta, mta, sender, rdom, rfc5322(t), c["ip"], mta,
                   rng.getrandbits(32), rfc5322(t), c["user"]))
    return (
        "From: Feedback Loop <fbl@%s>\n"
        "To: abuse@%s\n"
        "Subject: Abuse report for %s\n"
        "Date: %s\n"
        "Message-ID: <report-%08x@%s>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=feedback-report;\n"
        '\tboundary="%s"\n'
        "\n"
        "--%s\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "\n"
        "A user of %s marked a message from %s as spam.\n"
        "\n"
        "--%s\n"
        "Content-Type: message/feedback-report\n"
        "\n"
        "Feedback-Type: abuse\n"
        "User-Agent: %s\n"
        "Version: 1\n"
        "Original-Mail-From: <news@%s>\n"
        "Original-Rcpt-To: <%s>\n"
        "Arrival-Date: %s\n"
        "Source-IP: %s\n"
        "Reported-Domain: %s\n"
        "\n"
        "--%s\n"
        "Content-Type: message/rfc822\n"
        "\n"
        "%s"
        "From: <news@%s>\n"
        "To: <%s>\n"
        "Subject: %s\n"
        "Date: %s\n"
        "Message-ID: <%s>\n"
        "\n"
        "Hello,\n\nthis is the body of an unwanted message.\n"
        "\n"
        "--%s--\n"
        % (rdom, PROVIDER, sender, rfc5322(later), rng.getrandbits(32),
           rdom, boundary, boundary, rdom, sender, boundary, agent,
           c["domain"], rcpt, rfc5322(t), sender, c["domain"], boundary,
           hops, c["domain"], rcpt, subject, rfc5322(t), msgid, boundary)
    )


def generate(count, seed, day, ncustomers, ratio_internal=0.7):
    rng = random.Random(seed)
    pop = customers(ncustomers)
    base = datetime.datetime.strptime(day, "%Y-%m-%d")
    for n in range(count):
        c = pop[rng.randrange(len(pop))]
        t = base + datetime.timedelta(seconds=rng.randrange(86400))
        if rng.random() < ratio_internal:
            yield internal(rng, c, t, n)
        else:
            yield external(rng, c, t, n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--maildir")
    ap.add_argument("--mbox")
    ap.add_argument("--one", choices=["internal", "external"])
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--customers", type=int, default=50)
    ap.add_argument("--day", default="2026-11-20")
    a = ap.parse_args()
    if a.one:
        rng = random.Random(a.seed)
        c = customers(a.customers)[rng.randrange(a.customers)]
        t = datetime.datetime.strptime(a.day, "%Y-%m-%d")
        sys.stdout.write((internal if a.one == "internal" else external)(
            rng, c, t, a.seed))
        return
    msgs = generate(a.count, a.seed, a.day, a.customers)
    if a.maildir:
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(a.maildir, sub), exist_ok=True)
        for i, m in enumerate(msgs):
            name = "%d.M%dP%d.gen" % (1700000000 + i, i, a.seed)
            with open(os.path.join(a.maildir, "new", name), "w") as f:
                f.write(m)
    elif a.mbox:
        with open(a.mbox, "w") as f:
            for m in msgs:
                f.write("From MAILER-DAEMON Fri Nov 20 00:00:00 2026\n")
                f.write(m.replace("\nFrom ", "\n>From "))
                f.write("\n")
    else:
        ap.error("give --maildir, --mbox or --one")


if __name__ == "__main__":
    main()
