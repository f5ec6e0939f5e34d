#!/usr/bin/env python3
"""The transfer floor for the IMAP benchmark: one TLS connection, LOGIN,
EXAMINE INBOX and a single "UID FETCH 1:* BODY.PEEK[]", with the bytes
read and thrown away.  No parsing beyond finding the end of the answer.

  raw_fetch.py HOST PORT CAFILE USER PASSFILE

Prints "seconds bytes" for the whole session (connect to logout).
"""
import socket
import ssl
import sys
import time


def main():
    host, port, cafile, user, passfile = sys.argv[1:6]
    with open(passfile) as f:
        password = f.read().rstrip("\r\n")
    t0 = time.monotonic()
    ctx = ssl.create_default_context(cafile=cafile)
    raw = socket.create_connection((host, int(port)))
    s = ctx.wrap_socket(raw, server_hostname=host)
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    total = 0

    def until(tag):
        # Read until the tagged answer: the last line of what has come in
        # starts with the tag.  Only the tail is looked at.
        nonlocal total
        tail = b""
        while True:
            n = s.recv_into(view)
            if n == 0:
                sys.exit("connection closed")
            total += n
            tail = (tail + bytes(view[max(0, n - 4096):n]))[-8192:]
            if not tail.endswith(b"\r\n"):
                continue
            i = tail.rfind(b"\r\n", 0, len(tail) - 2)
            line = tail[i + 2:] if i >= 0 else tail
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    sys.exit("failed: %r" % line)
                return

    def quote(v):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'

    greeting = s.recv(4096)
    total += len(greeting)
    s.sendall(("a LOGIN %s %s\r\n" % (quote(user), quote(password))).encode())
    until(b"a")
    s.sendall(b"b EXAMINE INBOX\r\n")
    until(b"b")
    s.sendall(b"c UID FETCH 1:* BODY.PEEK[]\r\n")
    until(b"c")
    s.sendall(b"d LOGOUT\r\n")
    until(b"d")
    s.close()
    print("%.3f %d" % (time.monotonic() - t0, total))


if __name__ == "__main__":
    main()
