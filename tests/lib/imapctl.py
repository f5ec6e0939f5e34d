#!/usr/bin/env python3
"""Look at and change a test mailbox through IMAP itself, the same way on
Dovecot, Cyrus and Courier.

usage: imapctl.py [connection options] COMMAND ARGS... [+ COMMAND ARGS...]

Commands joined by "+" run one after the other in one session, each
printing its own lines.

connection options:
  --port N              the server's port on 127.0.0.1 (required)
  --tls MODE            none (default), starttls or implicit
  --ca FILE             the CA that signed the server's certificate
  --user NAME           the user (required)
  --password-file FILE  its password, on the first line (required)

commands (folders are named as the server shows them, in modified
UTF-7 where they are not ASCII):
  create FOLDER             create a folder (an existing one is fine)
  delete FOLDER             delete a folder (a missing one is fine)
  append FOLDER FILE...     append each file as one message
  load FOLDER COUNT [--start N] [--pad N] [--plain] [--base T]
                            append generated notifications (as
                            gen_notifications.py writes them; --base,
                            which names its files, means nothing here)
  count FOLDER [KEY...]     how many messages match the search keys
                            (default ALL), e.g. count INBOX SEEN
  uids FOLDER [KEY...]      the UIDs that match, one a line
  highest FOLDER            the highest UID in the folder (0 if empty)
  msgids FOLDER             the Message-ID of each message, one a line,
                            in UID order
  fetch FOLDER UID FILE      write the message's bytes as the server
                            sends them (BODY.PEEK[]) to FILE
  uidvalidity FOLDER        the folder's UIDVALIDITY
  select FOLDER             open the folder read-write (Courier then
                            saves the UIDs it assigned) and print its
                            UIDVALIDITY
  mailboxid FOLDER          the folder's MAILBOXID (RFC 8474; Cyrus)
  expunge FOLDER [UIDS]     flag \\Deleted and expunge all messages, or
                            the UID set given
  renew FOLDER              give the folder a new UIDVALIDITY with the
                            same messages: copy them to a new folder,
                            delete the old one and rename the new one
  setacl FOLDER WHO RIGHTS  set an access control entry (RFC 4314)
  deleteacl FOLDER WHO      remove one
  capability                the capabilities after login, one a line

Folders are only looked at with EXAMINE, so that counting never
changes what a server records (Courier saves the UIDs it assigns only
in a read-write session).  Exits 1 with the server's answer when a
command fails.
"""
import argparse
import imaplib
import os
import re
import socket
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_notifications  # noqa: E402

TIMEOUT = 60


class Fail(Exception):
    pass


def check(what, res):
    typ, data = res
    if typ != "OK":
        raise Fail("%s: %s %s" % (what, typ, b" ".join(
            d if isinstance(d, bytes) else repr(d).encode()
            for d in data if d is not None).decode(errors="replace")))
    return data


def quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(a):
    ctx = None
    if a.tls != "none":
        ctx = ssl.create_default_context(cafile=a.ca)
    if a.tls == "implicit":
        c = imaplib.IMAP4_SSL("127.0.0.1", a.port, ssl_context=ctx,
                              timeout=TIMEOUT)
    else:
        c = imaplib.IMAP4("127.0.0.1", a.port, timeout=TIMEOUT)
        if a.tls == "starttls":
            check("STARTTLS", c.starttls(ssl_context=ctx))
    # imaplib writes a literal and its line end apart: without this,
    # each APPEND waits for the server's delayed acknowledgement.
    c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with open(a.password_file, encoding="utf-8") as f:
        password = f.readline().rstrip("\n")
    # imaplib quotes the password itself.
    check("LOGIN " + a.user, c.login(quote(a.user), password))
    return c


def examine(c, folder):
    check("EXAMINE " + folder, c.select(quote(folder), readonly=True))


def search(c, folder, keys):
    examine(c, folder)
    data = check("UID SEARCH", c.uid("SEARCH", *(keys or ["ALL"])))
    return [int(x) for x in b" ".join(d for d in data if d).split()]


def append(c, folder, data):
    check("APPEND to " + folder,
          c.append(quote(folder), None, None, data))


def uidvalidity(c, folder):
    data = check("STATUS " + folder,
                 c.status(quote(folder), "(UIDVALIDITY)"))
    m = re.search(rb"UIDVALIDITY (\d+)", data[0])
    if not m:
        raise Fail("STATUS %s: no UIDVALIDITY in %r" % (folder, data[0]))
    return int(m.group(1))


def renew(c, folder):
    old = uidvalidity(c, folder)
    tmp = folder + "-renew"
    check("CREATE " + tmp, c.create(quote(tmp)))
    c.select(quote(folder))
    if int(c.untagged_responses.get("EXISTS", [b"0"])[-1]):
        check("UID COPY to " + tmp, c.uid("COPY", "1:*", quote(tmp)))
    check("CLOSE " + folder, c.close())
    check("DELETE " + folder, c.delete(quote(folder)))
    check("RENAME %s %s" % (tmp, folder), c.rename(quote(tmp), quote(folder)))
    new = uidvalidity(c, folder)
    if new == old:
        raise Fail("%s: UIDVALIDITY stayed %d" % (folder, old))
    return new


def main():
    ap = argparse.ArgumentParser(add_help=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tls", choices=("none", "starttls", "implicit"),
                    default="none")
    ap.add_argument("--ca")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("command")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    c = connect(a)
    words = [a.command] + a.args
    while words:
        n = words.index("+") if "+" in words else len(words)
        run(c, words[0], words[1:n])
        words = words[n + 1:]
    c.logout()


def run(c, cmd, args):
    if cmd == "create":
        typ, data = c.create(quote(args[0]))
        if typ != "OK" and args[0] not in list_folders(c):
            check("CREATE " + args[0], (typ, data))
    elif cmd == "delete":
        if args[0] in list_folders(c):
            check("DELETE " + args[0], c.delete(quote(args[0])))
    elif cmd == "append":
        for path in args[1:]:
            with open(path, "rb") as f:
                append(c, args[0], f.read())
    elif cmd == "load":
        lp = argparse.ArgumentParser(prog="imapctl.py load")
        lp.add_argument("folder")
        lp.add_argument("count", type=int)
        lp.add_argument("--start", type=int, default=1)
        lp.add_argument("--pad", type=int, default=0)
        lp.add_argument("--plain", action="store_true")
        lp.add_argument("--base", type=int)
        la = lp.parse_args(args)
        pad = ""
        if la.pad:
            line = "x" * 76 + "\n"
            pad = line * (la.pad // len(line) + 1)
        for n in range(la.start, la.start + la.count):
            append(c, la.folder,
                   gen_notifications.message(n, pad, la.plain).encode())
    elif cmd == "count":
        print(len(search(c, args[0], args[1:])))
    elif cmd == "uids":
        for u in sorted(search(c, args[0], args[1:])):
            print(u)
    elif cmd == "msgids":
        examine(c, args[0])
        if not int(c.untagged_responses.get("EXISTS", [b"0"])[-1]):
            return
        data = check("UID FETCH", c.uid(
            "FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"))
        for d in data:
            if isinstance(d, tuple):
                m = re.search(rb"<[^>]*>", d[1])
                print(m.group(0).decode() if m else "(none)")
    elif cmd == "fetch":
        examine(c, args[0])
        data = check("UID FETCH", c.uid("FETCH", args[1], "(BODY.PEEK[])"))
        body = [d[1] for d in data if isinstance(d, tuple)]
        if len(body) != 1:
            raise Fail("UID FETCH %s: %d messages" % (args[1], len(body)))
        with open(args[2], "wb") as f:
            f.write(body[0])
    elif cmd == "highest":
        print(max(search(c, args[0], ["ALL"]), default=0))
    elif cmd == "uidvalidity":
        print(uidvalidity(c, args[0]))
    elif cmd == "mailboxid":
        data = check("STATUS " + args[0],
                     c.status(quote(args[0]), "(MAILBOXID)"))
        m = re.search(rb"MAILBOXID \(([^)]*)\)", data[0])
        if not m:
            raise Fail("STATUS %s: no MAILBOXID in %r" % (args[0], data[0]))
        print(m.group(1).decode())
    elif cmd == "select":
        check("SELECT " + args[0], c.select(quote(args[0])))
        print(int(c.untagged_responses["UIDVALIDITY"][-1]))
        check("CLOSE " + args[0], c.close())
    elif cmd == "expunge":
        check("SELECT " + args[0], c.select(quote(args[0])))
        uids = args[1] if len(args) > 1 else "1:*"
        if int(c.untagged_responses.get("EXISTS", [b"0"])[-1]):
            check("UID STORE", c.uid("STORE", uids, "+FLAGS.SILENT",
                                     "(\\Deleted)"))
            check("EXPUNGE", c.expunge())
    elif cmd == "renew":
        print(renew(c, args[0]))
    elif cmd == "setacl":
        check("SETACL", c.setacl(quote(args[0]), quote(args[1]), args[2]))
    elif cmd == "deleteacl":
        check("DELETEACL", c._simple_command(
            "DELETEACL", quote(args[0]), quote(args[1])))
    elif cmd == "capability":
        for cap in c.capabilities:
            print(cap)
    else:
        raise Fail("unknown command " + cmd)


def list_folders(c):
    data = check("LIST", c.list('""', "*"))
    names = []
    for d in data:
        if not d:
            continue
        if isinstance(d, tuple):
            d = d[0] + d[1]
        m = re.match(rb'\([^)]*\) (?:"[^"]*"|NIL) (.*)$', d)
        if m:
            name = m.group(1)
            if name.startswith(b'"'):
                name = re.sub(rb'\\(.)', rb'\1', name[1:-1])
            names.append(name.decode())
    return names


if __name__ == "__main__":
    try:
        main()
    except (Fail, imaplib.IMAP4.error, OSError) as e:
        sys.exit("imapctl: %s" % e)
