#!/usr/bin/env python3
"""Write a message whose header fields go on over many continuation
lines written without indentation, the shape that costs a parser that
copies a field again for every line its size squared.

    genfold.py [--fields N] [--lines N] [--nest N] [--out FILE]

--fields header fields of N lines each (defaults 8 and 32700: about
523 KB, every field just under max_header_length once unfolded).
--nest N wraps N copies of that message, base64-encoded, as
message/rfc822 parts of a multipart/mixed message.  Output goes to FILE
or standard output; the same arguments give the same bytes."""
import argparse
import base64
import sys


def folded(fields, lines):
    out = [b"From: reporter@example.org\n",
           b"To: abuse@example.net\n",
           b"Subject: folded fields\n",
           b"Date: Mon, 02 Mar 2026 10:00:00 +0000\n",
           b"Message-ID: <folded@example.org>\n"]
    for f in range(fields):
        out.append(b"X-Folded-%d: start\n" % f)
        out.append(b"x\n" * lines)
    out.append(b"\nbody\n")
    return b"".join(out)


def nested(inner, n):
    b64 = base64.encodebytes(inner)
    out = [b"From: reporter@example.org\n",
           b"To: abuse@example.net\n",
           b"Subject: folded messages\n",
           b"Date: Mon, 02 Mar 2026 10:00:00 +0000\n",
           b"Message-ID: <nested@example.org>\n",
           b"MIME-Version: 1.0\n",
           b'Content-Type: multipart/mixed; boundary="b0"\n',
           b"\n",
           b"--b0\n",
           b"Content-Type: text/plain\n\nsee attached\n"]
    for _ in range(n):
        out.append(b"--b0\n"
                   b"Content-Type: message/rfc822\n"
                   b"Content-Transfer-Encoding: base64\n\n")
        out.append(b64)
    out.append(b"--b0--\n")
    return b"".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fields", type=int, default=8)
    ap.add_argument("--lines", type=int, default=32700)
    ap.add_argument("--nest", type=int, default=0)
    ap.add_argument("--out")
    a = ap.parse_args()
    msg = folded(a.fields, a.lines)
    if a.nest > 0:
        msg = nested(msg, a.nest)
    if a.out:
        with open(a.out, "wb") as f:
            f.write(msg)
    else:
        sys.stdout.buffer.write(msg)


if __name__ == "__main__":
    main()
