#!/usr/bin/env python3
"""Check a summary e-mail as it arrived at the test SMTP server.

    mailcheck.py FILE.eml DAY RCPT SUBJECT CSV-FILE

Prints one line per problem (nothing when the message is right):
structure multipart/mixed [multipart/alternative [text/plain, text/html],
text/csv attachment summary-DAY.csv equal to CSV-FILE], headers Date
(recent), Message-ID, From, To (the one recipient), MIME-Version,
Auto-Submitted, an RFC 2047 encoded Subject that decodes to SUBJECT.
"""
import csv
import email
import email.policy
import email.utils
import io
import re
import sys
import time


def made_apart(data):
    """A summary CSV without its made_at column, which says when that
    copy was made: the file and the attachment are made apart."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    if rows and "made_at" in rows[0]:
        i = rows[0].index("made_at")
        rows = [r[:i] + r[i + 1:] for r in rows]
    return rows


def main():
    path, day, rcpt, subject, csv_path = sys.argv[1:6]
    raw = open(path, "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    bad = []
    shape = [p.get_content_type() for p in m.walk()]
    if shape != ["multipart/mixed", "multipart/alternative", "text/plain",
                 "text/html", "text/csv"]:
        bad.append("structure %s" % shape)
    date = m["Date"]
    try:
        when = email.utils.parsedate_to_datetime(str(date)).timestamp()
        if abs(when - time.time()) > 600:
            bad.append("Date %s is not now" % date)
    except (TypeError, ValueError):
        bad.append("Date %r does not parse" % date)
    if not re.match(r"^<[^<>@\s]+@example\.net>$", str(m["Message-ID"])):
        bad.append("Message-ID %r" % m["Message-ID"])
    if str(m["From"]) != "abuse-collector@example.net":
        bad.append("From %r" % m["From"])
    if str(m["To"]) != rcpt:
        bad.append("To %r" % m["To"])
    if str(m["MIME-Version"]).strip() != "1.0":
        bad.append("MIME-Version %r" % m["MIME-Version"])
    if str(m["Auto-Submitted"]) != "auto-generated":
        bad.append("Auto-Submitted %r" % m["Auto-Submitted"])
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    rawsubj = re.search(r"^Subject: (.*(?:\r\n[ \t].*)*)", head, re.M)
    if not rawsubj or "=?UTF-8?B?" not in rawsubj.group(1):
        bad.append("Subject is not RFC 2047 encoded")
    elif any(len(l) > 78 for l in rawsubj.group(0).split("\r\n")):
        bad.append("Subject lines longer than 78 characters")
    if str(m["Subject"]) != subject:
        bad.append("Subject %r, want %r" % (str(m["Subject"]), subject))
    if not head.isascii():
        bad.append("8-bit header")
    for p in m.walk():
        if p.get_content_type() == "text/plain":
            t = p.get_content()
            if "Abuse summary for %s" % day not in t or \
                    "confirmed customers" not in t:
                bad.append("text part lacks the summary")
        elif p.get_content_type() == "text/html":
            h = p.get_content()
            if "Content-Security-Policy" not in h or "<script" in h:
                bad.append("HTML part is not the summary page")
            if "<title>Abuse summary %s</title>" % day not in h:
                bad.append("HTML part is of another day")
        elif p.get_content_type() == "text/csv":
            if p.get_filename() != "summary-%s.csv" % day:
                bad.append("attachment name %r" % p.get_filename())
            if p.get_content_disposition() != "attachment":
                bad.append("CSV is not an attachment")
            if made_apart(p.get_payload(decode=True)) != \
                    made_apart(open(csv_path, "rb").read()):
                bad.append("attachment differs from %s" % csv_path)
    for b in bad:
        print(b)


if __name__ == "__main__":
    main()
