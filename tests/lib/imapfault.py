#!/usr/bin/env python3
"""A scripted IMAP server on 127.0.0.1 that misbehaves on purpose.

  imapfault.py PORTFILE MODE [--messages N] [--once] [--log FILE]
               [--tls implicit|starttls --certs DIR]

Listens on a free port of 127.0.0.1, writes the port to PORTFILE once it
accepts connections, and serves a folder INBOX of N small messages (UIDs
1..N, default 2) to any login, one connection at a time, until killed.
What goes wrong is MODE, at the body of UID 1:

  good          nothing: every body is sent
  eof-literal   the body's literal is announced, half of it is sent, then
                the connection is closed (no BYE)
  huge-literal  the body is announced as a 4,000,000,000-byte literal;
                a little of it is sent, then the connection stays open
  stall-literal half of the body is sent, then nothing more (the
                connection stays open)
  trickle       the body comes one byte every 0.2 s, for as long as the
                client reads
  flood         the answer to the fetch of sizes is an endless stream of
                short untagged lines, as fast as the client reads
  eof-select    the connection is closed (no BYE) when the client asks to
                open the folder
  no-select     the folder cannot be opened (NO)
  alert         an untagged "* OK [ALERT] ..." line (with a control
                character and an escape sequence in it) comes before the
                greeting and before each tagged answer; bodies are sent

With --tls implicit or --tls starttls (and --certs DIR, which holds the
server.pem and server.key of tests/lib/mkcerts.sh) the server speaks TLS
from the start or after STARTTLS.

With --once the misbehaviour happens on the first connection only, and
the server then stops listening: later connections are refused.  --log
appends one line per command received (tag and command), for the test
to check what the client asked.
"""
import argparse
import os
import socket
import ssl
import sys
import time

UIDVALIDITY = 777


def message(uid):
    body = ("Just a line of text, number %d, to have a body.\r\n" % uid) * 20
    return ("From: reporter%d@example.net\r\n"
            "To: abuse@example.org\r\n"
            "Subject: scripted message %d\r\n"
            "Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n"
            "Message-ID: <scripted-%d@example.net>\r\n"
            "\r\n" % (uid, uid, uid) + body).encode()


def uids_of(spec, n):
    """The UIDs of a UID set ("1:3,5", "*" = n) that exist."""
    out = []
    for part in spec.split(","):
        if ":" in part:
            a, b = part.split(":")
        else:
            a = b = part
        a = n if a == "*" else int(a)
        b = n if b == "*" else int(b)
        lo, hi = min(a, b), max(a, b)
        out.extend(u for u in range(lo, hi + 1) if 1 <= u <= n)
    return sorted(set(out))


class Gone(Exception):
    pass


class Held(Exception):
    """Keep the connection open until the client goes away."""
    pass


class Session:
    def __init__(self, conn, ctx):
        self.conn = conn
        self.ctx = ctx
        self.f = conn.makefile("rb")
        self.secure = ctx is None

    def send(self, data):
        self.conn.sendall(data)

    def close(self):
        # The file holds the socket open until it is closed too.
        self.f.close()
        self.conn.close()

    def starttls(self):
        self.f.close()
        self.conn = self.ctx.wrap_socket(self.conn, server_side=True)
        self.f = self.conn.makefile("rb")
        self.secure = True


def serve_one(se, args, misbehave, log):
    send = se.send
    caps = b"IMAP4rev1 AUTH=PLAIN" + (b"" if se.secure else b" STARTTLS")

    def alert():
        if misbehave and args.mode == "alert":
            send(b"* OK [ALERT] System maintenance \x07at 22:00 "
                 b"\x1b[31mUTC\r\n")

    alert()
    send(b"* OK [CAPABILITY " + caps + b"] scripted server ready\r\n")
    while True:
        line = se.f.readline()
        if not line:
            return
        words = line.rstrip(b"\r\n").split(b" ")
        if len(words) < 2:
            continue
        tag, cmd = words[0], words[1].upper()
        if log:
            log.write("%s %s\n" % (tag.decode(), b" ".join(words[1:3])
                                   .decode(errors="replace")
                                   if cmd != b"LOGIN" else "LOGIN"))
            log.flush()
        if cmd == b"UID" and len(words) > 2:
            cmd = b"UID " + words[2].upper()
        if cmd == b"CAPABILITY":
            alert()
            send(b"* CAPABILITY " + caps + b"\r\n" + tag + b" OK done\r\n")
        elif cmd == b"STARTTLS" and not se.secure:
            send(tag + b" OK begin TLS now\r\n")
            se.starttls()
            caps = b"IMAP4rev1 AUTH=PLAIN"
        elif cmd == b"LOGIN":
            alert()
            send(tag + b" OK [CAPABILITY IMAP4rev1] logged in\r\n")
        elif cmd in (b"SELECT", b"EXAMINE"):
            if misbehave and args.mode == "eof-select":
                raise Gone()
            if misbehave and args.mode == "no-select":
                send(tag + b" NO [NONEXISTENT] no such folder here\r\n")
                continue
            alert()
            send(b"* %d EXISTS\r\n* 0 RECENT\r\n"
                 b"* OK [UIDVALIDITY %d] ok\r\n"
                 b"* OK [UIDNEXT %d] ok\r\n" %
                 (args.messages, UIDVALIDITY, args.messages + 1) + tag +
                 (b" OK [READ-ONLY] done\r\n" if cmd == b"EXAMINE" else
                  b" OK [READ-WRITE] done\r\n"))
        elif cmd == b"UID FETCH":
            fetch(send, tag, words, args, misbehave)
        elif cmd == b"UID STORE":
            send(tag + b" OK stored\r\n")
        elif cmd == b"LOGOUT":
            send(b"* BYE see you\r\n" + tag + b" OK bye\r\n")
            return
        elif cmd == b"NOOP":
            send(tag + b" OK done\r\n")
        else:
            send(tag + b" BAD not here\r\n")


def fetch(send, tag, words, args, misbehave):
    items = b" ".join(words[4:]).upper()
    if misbehave and args.mode == "flood":
        chunk = b"* 1 FETCH (FLAGS (\\Seen))\r\n" * 4096
        while True:
            send(chunk)
    for uid in uids_of(words[3].decode(), args.messages):
        m = message(uid)
        if b"BODY" not in items:
            send(b"* %d FETCH (UID %d RFC822.SIZE %d INTERNALDATE "
                 b"\"02-Mar-2026 10:00:00 +0000\")\r\n" % (uid, uid, len(m)))
            continue
        head = b"* %d FETCH (UID %d BODY[]<0> " % (uid, uid)
        if uid != 1 or not misbehave or args.mode in ("good", "alert"):
            send(head + b"{%d}\r\n" % len(m) + m + b")\r\n")
        elif args.mode == "eof-literal":
            send(head + b"{%d}\r\n" % len(m) + m[:len(m) // 2])
            raise Gone()
        elif args.mode == "huge-literal":
            send(head + b"{4000000000}\r\n" + m)
            hold()
        elif args.mode == "stall-literal":
            send(head + b"{%d}\r\n" % len(m) + m[:len(m) // 2])
            hold()
        elif args.mode == "trickle":
            send(head + b"{%d}\r\n" % len(m))
            for i in range(len(m)):
                send(m[i:i + 1])
                time.sleep(0.2)
            send(b")\r\n")
        else:
            sys.exit("unknown mode " + args.mode)
    send(tag + b" OK fetched\r\n")


def hold():
    raise Held()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("portfile")
    ap.add_argument("mode")
    ap.add_argument("--messages", type=int, default=2)
    ap.add_argument("--once", action="store_true")
    ap.add_argument("--log")
    ap.add_argument("--tls", choices=("implicit", "starttls"))
    ap.add_argument("--certs")
    args = ap.parse_args()
    log = open(args.log, "a") if args.log else None
    ctx = None
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(args.certs, "server.pem"),
                            os.path.join(args.certs, "server.key"))
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(4)
    tmp = args.portfile + ".tmp"
    with open(tmp, "w") as p:
        p.write("%d\n" % ls.getsockname()[1])
    os.rename(tmp, args.portfile)
    held = []
    first = True
    while ls is not None:
        conn, _ = ls.accept()
        misbehave = first
        first = False
        if args.once:
            ls.close()
            ls = None
        else:
            misbehave = True
        se = None
        try:
            if args.tls == "implicit":
                conn = ctx.wrap_socket(conn, server_side=True)
            se = Session(conn, ctx if args.tls == "starttls" else None)
            serve_one(se, args, misbehave, log)
        except Held:
            held.append(se)
            continue
        except (Gone, OSError):
            pass
        if se is not None:
            se.close()
        else:
            conn.close()
    # --once: keep what is held open until killed.
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
