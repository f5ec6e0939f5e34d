#!/usr/bin/env python3
"""An SMTP server for the tests (Debian's python3-aiosmtpd) on 127.0.0.1.

    smtpsrv.py --port-file F --spool DIR --log F
               [--mode starttls|smtps|plain] [--cert C --key K]
               [--user U --password-file P] [--reply-rcpt ADDR=CODE]...
               [--hold-rcpt ADDR]

starttls: STARTTLS offered and required before anything else; smtps: TLS
from the first byte; plain: no TLS at all (the client must refuse it).
With --user, AUTH is required (over TLS only).  --reply-rcpt answers RCPT
TO:<ADDR> with CODE (550, 451, ...).  --hold-rcpt keeps the first
message to ADDR: it is spooled and logged ("hold"), and the answer to its
DATA waits until the file LOG.release exists (a client killed meanwhile
never hears that it was taken).

Each accepted message is written to DIR/N.eml; --log gets one JSON line
per SMTP event: {"event": "ehlo"|"auth"|"mail"|"rcpt"|"data", "tls":
bool, ...}.  The password is never logged, only whether it matched.
"""
import argparse
import asyncio
import json
import os
import ssl

from aiosmtpd.smtp import SMTP, AuthResult


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--spool", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode", default="starttls")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user")
    ap.add_argument("--password-file")
    ap.add_argument("--reply-rcpt", action="append", default=[])
    ap.add_argument("--hold-rcpt")
    a = ap.parse_args()
    os.makedirs(a.spool, exist_ok=True)
    replies = dict(r.split("=", 1) for r in a.reply_rcpt)
    password = None
    if a.password_file:
        with open(a.password_file) as f:
            password = f.read().rstrip("\n")

    def log(server, **kw):
        t = server.transport
        kw["tls"] = bool(t and t.get_extra_info("ssl_object") is not None)
        with open(a.log, "a") as f:
            f.write(json.dumps(kw) + "\n")

    class Handler:
        count = 0
        held = False

        async def handle_EHLO(self, server, session, envelope, hostname,
                              responses):
            log(server, event="ehlo", name=hostname)
            session.host_name = hostname
            return responses

        async def handle_MAIL(self, server, session, envelope, address,
                              options):
            log(server, event="mail", address=address,
                authenticated=bool(session.authenticated))
            envelope.mail_from = address
            return "250 OK"

        async def handle_RCPT(self, server, session, envelope, address,
                              options):
            code = replies.get(address)
            log(server, event="rcpt", address=address, reply=code or "250")
            if code:
                return "%s Recipient refused by the test" % code
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            Handler.count += 1
            path = os.path.join(a.spool, "%d.eml" % Handler.count)
            with open(path + ".tmp", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            os.rename(path + ".tmp", path)
            log(server, event="data", file=path, mail_from=envelope.mail_from,
                rcpts=envelope.rcpt_tos)
            if a.hold_rcpt in envelope.rcpt_tos and not Handler.held:
                Handler.held = True
                log(server, event="hold", file=path)
                while not os.path.exists(a.log + ".release"):
                    await asyncio.sleep(0.05)
            return "250 Message accepted"

    def authenticator(server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode() if auth_data.login else ""
        ok = (login == a.user and auth_data.password is not None and
              auth_data.password.decode() == password)
        log(server, event="auth", mechanism=mechanism, login=login, ok=ok)
        return AuthResult(success=ok)

    ctx = None
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
    kw = {}
    if a.mode == "starttls":
        kw.update(tls_context=ctx, require_starttls=True)
    if a.user:
        # aiosmtpd counts only STARTTLS as TLS for auth_require_tls;
        # under smtps the whole session is TLS already.
        kw.update(authenticator=authenticator, auth_required=True,
                  auth_require_tls=a.mode != "smtps")

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    srv = loop.run_until_complete(loop.create_server(
        lambda: SMTP(Handler(), hostname="mx.test", **kw), "127.0.0.1", 0,
        ssl=ctx if a.mode == "smtps" else None))
    port = srv.sockets[0].getsockname()[1]
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(a.port_file + ".tmp", a.port_file)
    loop.run_forever()


if __name__ == "__main__":
    main()
