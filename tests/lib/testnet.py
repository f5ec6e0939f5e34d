#!/usr/bin/env python3
"""Small network helpers for the shell tests, loopback only.

  testnet.py freeport           print a TCP port free on 127.0.0.1
  testnet.py wait PORT [SECS]   wait until 127.0.0.1:PORT accepts (exit 1
                                when it does not within SECS, default 10)
  testnet.py greeting PORT [SECS]
                                wait until 127.0.0.1:PORT greets with an
                                IMAP "* OK" line (a server that greets
                                is ready to log users in)
  testnet.py mute ADDR PORT     a UDP socket on ADDR:PORT that reads and
                                never answers (a name server gone quiet)
  testnet.py holders PORT       print the pids of the processes that hold
                                a connection accepted on local port PORT
  testnet.py serve PORT MODE    a server on 127.0.0.1:PORT that fails a
                                client's TLS handshake, until killed:
      close           closes each connection at once
      reset           resets each connection once the client has
                      sent something
      silent          keeps each connection open and says nothing
      starttls-close  speaks IMAP up to STARTTLS, agrees, then closes
      starttls-plain  ... agrees, then goes on in clear text
"""
import os
import socket
import struct
import sys
import time


def freeport():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def wait(port, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return 0
        except OSError:
            time.sleep(0.02)
    return 1


def greeting(port, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), 1) as c:
                c.settimeout(max(0.1, end - time.monotonic()))
                line = c.makefile("rb").readline()
                if line.startswith(b"* OK"):
                    return 0
        except OSError:
            pass
        time.sleep(0.02)
    return 1


def mute(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    print("ready", flush=True)
    while True:
        s.recv(4096)


def holders(port):
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.readlines()[1:]
        except OSError:
            continue
        for row in rows:
            col = row.split()
            # local address "hex:PORT", state 01 (established), inode
            if int(col[1].rsplit(":", 1)[1], 16) == port and col[3] == "01":
                inodes.add("socket:[%s]" % col[9])
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fds = os.listdir("/proc/%s/fd" % pid)
            if any(os.readlink("/proc/%s/fd/%s" % (pid, fd)) in inodes
                   for fd in fds):
                print(pid)
        except OSError:
            pass


def imap_until_starttls(conn):
    """Greet, answer CAPABILITY, agree to STARTTLS; False if the client
    went away first."""
    f = conn.makefile("rb")
    conn.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] test server\r\n")
    for line in f:
        words = line.split()
        if len(words) < 2:
            continue
        tag, cmd = words[0], words[1].upper()
        if cmd == b"CAPABILITY":
            conn.sendall(b"* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag +
                         b" OK done\r\n")
        elif cmd == b"STARTTLS":
            conn.sendall(tag + b" OK begin TLS now\r\n")
            return True
        else:
            conn.sendall(tag + b" BAD not here\r\n")
    return False


def serve(port, mode):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(8)
    held = []
    while True:
        conn, _ = ls.accept()
        try:
            handle(conn, mode, held)
        except OSError:
            pass        # a client that went away first (wait's probe)


def handle(conn, mode, held):
    if mode == "close":
        conn.close()
    elif mode == "reset":
        conn.recv(1)        # the handshake has begun
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
        conn.close()
    elif mode == "silent":
        held.append(conn)
    elif mode == "starttls-close":
        imap_until_starttls(conn)
        conn.close()
    elif mode == "starttls-plain":
        if imap_until_starttls(conn):
            conn.sendall(b"* BAD this is not TLS\r\n")
        held.append(conn)
    else:
        sys.exit("unknown mode " + mode)

if __name__ == "__main__":
    if sys.argv[1] == "freeport":
        freeport()
    elif sys.argv[1] == "wait":
        sys.exit(wait(int(sys.argv[2]),
                      float(sys.argv[3]) if len(sys.argv) > 3 else 10))
    elif sys.argv[1] == "greeting":
        sys.exit(greeting(int(sys.argv[2]),
                          float(sys.argv[3]) if len(sys.argv) > 3 else 10))
    elif sys.argv[1] == "mute":
        mute(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "holders":
        holders(int(sys.argv[2]))
    elif sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit("unknown command")
