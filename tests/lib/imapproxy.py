#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 between the collector and an IMAP server
(plain IMAP, tls = none), for the tests: it writes each command the
client sends to a log, and can kill the client at a chosen command.

  imapproxy.py PORT UPSTREAM_PORT LOG READY [options]

  --kill PREFIX N          at the N-th command (over all connections)
                           that starts with PREFIX (after the tag, case
                           ignored: "UID MOVE"), send SIGKILL to the pid
                           in the pid file (waiting up to 10 s for it),
                           then close the connection; only once
  --pidfile FILE           the pid file (default: client.pid in the
                           directory of LOG)
  --after-answer           ... not before the command is sent on, but
                           once the server's tagged answer to it has come
                           (it is not passed on)

READY is written once the port listens.  LOG gets "C: TAG COMMAND"
lines (LOGIN and AUTHENTICATE arguments left out) and a "kill -9 PID"
line, written before the signal is sent.  Runs until killed.
"""
import os
import signal
import socket
import sys
import threading
import time

lock = threading.Lock()
state = {"seen": 0, "fired": False}


def log(path, text):
    with lock:
        with open(path, "a") as f:
            f.write(text + "\n")


def kill_client(opts):
    end = time.monotonic() + 10
    pid = ""
    while time.monotonic() < end:
        try:
            with open(opts["pidfile"]) as f:
                pid = f.read().strip()
        except OSError:
            pid = ""
        if pid:
            break
        time.sleep(0.01)
    if not pid:
        log(opts["log"], "no pid in %s after 10 s: nothing killed"
            % opts["pidfile"])
        return
    # Logged first: the test reads the log as soon as the client is gone.
    log(opts["log"], "kill -9 %s" % pid)
    try:
        os.kill(int(pid), signal.SIGKILL)
    except OSError as e:
        log(opts["log"], "kill %s failed: %s" % (pid, e))


def shown(line):
    """The command for the log, without secrets."""
    text = line.decode("latin-1").rstrip("\r\n")
    parts = text.split(None, 2)
    if len(parts) >= 2 and parts[1].upper() in ("LOGIN", "AUTHENTICATE"):
        return "%s %s ..." % (parts[0], parts[1])
    return text


def is_trigger(opts, line):
    """This command line is the one to kill at; counts it."""
    parts = line.decode("latin-1").split(None, 1)
    if "prefix" not in opts or len(parts) < 2:
        return False
    if not parts[1].upper().startswith(opts["prefix"]):
        return False
    with lock:
        if state["fired"]:
            return False
        state["seen"] += 1
        if state["seen"] < opts["n"]:
            return False
        state["fired"] = True
        return True


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def down(opts, up, client, watch):
    """Server to client; watch["tag"] is a tag whose answer kills."""
    buf = b""
    try:
        while True:
            data = up.recv(65536)
            if not data:
                break
            tag = watch.get("tag")
            if tag is None:
                client.sendall(data)
                continue
            # Line by line while an answer is awaited.
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if line.split(b" ", 1)[0] == tag:
                    kill_client(opts)
                    close(client, up)
                    return
                client.sendall(line + b"\n")
    except OSError:
        pass
    close(client, up)


def serve(opts, client):
    try:
        up = socket.create_connection(("127.0.0.1", opts["upstream"]), 10)
        up.settimeout(None)
    except OSError as e:
        log(opts["log"], "upstream: %s" % e)
        client.close()
        return
    watch = {}
    threading.Thread(target=down, args=(opts, up, client, watch),
                     daemon=True).start()
    buf = b""
    try:
        while True:
            data = client.recv(65536)
            if not data:
                break
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line += b"\n"
                log(opts["log"], "C: " + shown(line))
                if is_trigger(opts, line):
                    if opts["after_answer"]:
                        watch["tag"] = line.split(b" ", 1)[0]
                    else:
                        kill_client(opts)
                        close(client, up)
                        return
                up.sendall(line)
    except OSError:
        pass
    close(client, up)


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    opts = {"upstream": int(argv[2]), "log": argv[3],
            "after_answer": False}
    ready = argv[4]
    opts["pidfile"] = os.path.join(os.path.dirname(argv[3]) or ".",
                                   "client.pid")
    rest = argv[5:]
    while rest:
        if rest[0] == "--kill" and len(rest) >= 3:
            opts["prefix"] = rest[1].upper()
            opts["n"] = int(rest[2])
            rest = rest[3:]
        elif rest[0] == "--pidfile" and len(rest) >= 2:
            opts["pidfile"] = rest[1]
            rest = rest[2:]
        elif rest[0] == "--after-answer":
            opts["after_answer"] = True
            rest = rest[1:]
        else:
            sys.exit("imapproxy.py: unknown option %s" % rest[0])
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(argv[1])))
    srv.listen(16)
    with open(ready, "w") as f:
        f.write("%d\n" % os.getpid())
    while True:
        client, _ = srv.accept()
        threading.Thread(target=serve, args=(opts, client),
                         daemon=True).start()


if __name__ == "__main__":
    main(sys.argv)
