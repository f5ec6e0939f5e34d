#!/usr/bin/env python3
"""Write a valid message that costs parsing about seven times its size:
a plain message wrapped LEVELS times as a quoted-printable
message/rfc822 part.  Quoted-printable keeps plain text at its size, and
every level is decoded and kept while the levels inside it are read.

    gennested.py [--levels N] [--lines N] [--out FILE]

Defaults: 6 levels (within max_mime_depth) around 98,304 lines of 61
bytes, about 6 MB.  The same arguments give the same bytes."""
import argparse
import quopri
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--levels", type=int, default=6)
    ap.add_argument("--lines", type=int, default=3 << 15)
    ap.add_argument("--out")
    a = ap.parse_args()
    msg = (b"From: reporter@example.org\n"
           b"To: abuse@example.net\n"
           b"Subject: the innermost message\n"
           b"Date: Mon, 02 Mar 2026 10:00:00 +0000\n"
           b"Message-ID: <core@example.org>\n\n" +
           (b"y" * 60 + b"\n") * a.lines)
    for i in range(a.levels):
        msg = (b"From: reporter@example.org\n"
               b"To: abuse@example.net\n"
               b"Subject: level %d\n"
               b"Date: Mon, 02 Mar 2026 10:00:00 +0000\n"
               b"Message-ID: <level%d@example.org>\n"
               b"MIME-Version: 1.0\n"
               b"Content-Type: message/rfc822\n"
               b"Content-Transfer-Encoding: quoted-printable\n\n" % (i, i) +
               quopri.encodestring(msg))
    if a.out:
        with open(a.out, "wb") as f:
            f.write(msg)
    else:
        sys.stdout.buffer.write(msg)


if __name__ == "__main__":
    main()
