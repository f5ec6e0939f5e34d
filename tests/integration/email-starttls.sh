#!/bin/sh
# The summary e-mail through a real SMTP server (aiosmtpd) on 127.0.0.1
# that requires STARTTLS and AUTH, with a test CA: the parts, the
# attachment and the headers as they arrived; once per day and
# recipient across report --email and run, again only with --force;
# the password in no output, log or store.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
email_prelude
PASSWORD='pw-Str0ng-9c1e'
secret_file "$T/smtp.pass" "$PASSWORD"
start_smtpsrv S --mode starttls --cert "$T/pki/server.pem" \
    --key "$T/pki/server.key" --user desk --password-file "$T/smtp.pass" ||
    skip_all "SMTP server did not start"
SUBJECT_TMPL='Résumé des abus {day} – {confirmed} confirmé(s), rapport quotidien du service'
cat >>"$T/ac.ini" <<EOT
[email]
url = smtp://127.0.0.1:$S_PORT
from = abuse-collector@example.net
to = desk@example.net, noc@example.net
user = desk
password_file = smtp.pass
ca_file = pki/ca.pem
subject = $SUBJECT_TMPL
EOT
mkreport internal 192.0.2.10 10:00 'Cheap stuff' 2 a
mkreport external 192.0.2.10 11:00 '<img src=x onerror=alert(1)>' 1 b
mkreport internal 192.0.2.20 09:00 'Only internal' 1 c
cd "$T" || exit 1
"$AC" -c ac.ini check-config >"$T/cc.out" 2>&1
ok "check-config says where the password comes from" grep -qx \
    "# password: (hidden, from file $T/smtp.pass)" "$T/cc.out"
ok "collect" "$AC" -c ac.ini collect

"$AC" -c ac.ini report --date "$DAY" --email >"$T/r1.paths" 2>"$T/r1.out"
is "report --email succeeds quietly (the paths written, no message)" \
    "$?:$(wc -l <"$T/r1.paths"):$(cat "$T/r1.out")" "0:3:"
is "one message per recipient arrived" "$(spooled "$S_SPOOL")" 2
WANT="Résumé des abus $DAY – 1 confirmé(s), rapport quotidien du service"
is "the message to desk is right" "$("$PY" "$LIBDIR/mailcheck.py" \
    "$S_SPOOL/1.eml" "$DAY" desk@example.net "$WANT" \
    "$T/out/summary-$DAY.csv")" ""
is "the message to noc is right" "$("$PY" "$LIBDIR/mailcheck.py" \
    "$S_SPOOL/2.eml" "$DAY" noc@example.net "$WANT" \
    "$T/out/summary-$DAY.csv")" ""
is "each went in its own SMTP transaction" \
    "$(grep '"event": "data"' "$S_LOG" | sed 's/.*"rcpts": \(\[[^]]*\]\).*/\1/')" \
    '["desk@example.net"]
["noc@example.net"]'
is "the hostile subject arrived escaped in the HTML part" \
    "$("$PY" -c 'import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=email.policy.default)
h = m.get_body(("html",)).get_content()
print("&lt;img src=x onerror=alert(1)&gt;" in h, "<img" in h)' "$S_SPOOL/1.eml")" \
    "True False"
is "nothing but the first EHLO was said before STARTTLS" \
    "$(grep -c '"tls": false' "$S_LOG") $(grep -c '"event": "ehlo".*"tls": false' "$S_LOG")" \
    "2 2"
is "AUTH happened over TLS and succeeded, twice" \
    "$(grep -c '"event": "auth", "mechanism": "[A-Z]*", "login": "desk", "ok": true, "tls": true' "$S_LOG")" 2
is "the rows are delivered" "$(q "SELECT kind, target, attempts,
    delivered_at IS NOT NULL FROM outbox ORDER BY target" | tr '\n' ' ')" \
    "summary.email|email:desk@example.net|1|1 summary.email|email:noc@example.net|1|1 "

# Once per day and recipient.
"$AC" -c ac.ini report --date "$DAY" --email >"$T/r2.out" 2>&1
is "a second report --email sends nothing" "$(spooled "$S_SPOOL")" 2
ok "and says why" grep -q \
    "the summary of $DAY was sent before to 2 of 2 recipients; --force sends it again" \
    "$T/r2.out"
ok "run" "$AC" -c ac.ini run
is "run's daily step does not send it again either" "$(spooled "$S_SPOOL")" 2
ok "run wrote the day's summary" test -s "$T/out/summary-$DAY.html"
"$AC" -c ac.ini report --date "$DAY" --email --force >"$T/r3.out" 2>&1
is "--force sends it again" "$?:$(spooled "$S_SPOOL")" "0:4"

# A day that run reports for the first time is e-mailed by run.
mkreport internal 192.0.2.20 09:00 'Older' 1 d
"$PY" "$LIBDIR/mkreports.py" "$T/md" internal 192.0.2.20 "${PREV}T09:00:00Z" \
    'The day before' 1 p
ok "run collects a report of the day before" "$AC" -c ac.ini run
is "run e-mailed that day to both recipients" "$(spooled "$S_SPOOL")" 6
is "with that day in the subject" "$("$PY" -c 'import email, email.policy, sys
for f in sys.argv[1:]:
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    print(str(m["Subject"]).split()[3], m["To"])' "$S_SPOOL/5.eml" "$S_SPOOL/6.eml")" \
    "$PREV desk@example.net
$PREV noc@example.net"

# The password is in none of the outputs, the log or the store.
ok "the password is nowhere" sh -c "! grep -a -q -e '$PASSWORD' \
    '$T'/*.out '$T'/var/abuse.db* '$S_LOG'"
done_testing
