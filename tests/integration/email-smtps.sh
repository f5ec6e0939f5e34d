#!/bin/sh
# The summary e-mail over implicit TLS (smtps://) with the password from
# the environment; a refused recipient (550) is a dead letter at once, a
# deferred one (451) is retried until max_attempts, the others are not
# held back by them.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
email_prelude
AC_TEST_SMTP_PASSWORD='env-pass-31d2'
export AC_TEST_SMTP_PASSWORD
printf '%s\n' "$AC_TEST_SMTP_PASSWORD" >"$T/server.pass"
start_smtpsrv S --mode smtps --cert "$T/pki/server.pem" \
    --key "$T/pki/server.key" --user desk --password-file "$T/server.pass" \
    --reply-rcpt gone@example.net=550 --reply-rcpt busy@example.net=451 ||
    skip_all "SMTP server did not start"
cat >>"$T/ac.ini" <<EOT
[email]
url = smtps://127.0.0.1:$S_PORT
from = abuse-collector@example.net
to = desk@example.net, gone@example.net, busy@example.net
user = desk
password_env = AC_TEST_SMTP_PASSWORD
ca_file = pki/ca.pem
retry_base = 1s
max_attempts = 2
EOT
mkreport internal 192.0.2.10 10:00 'Cheap stuff' 2 a
cd "$T" || exit 1
ok "collect" "$AC" -c ac.ini collect
"$AC" -c ac.ini report --date "$DAY" --email >"$T/r1.out" 2>&1
is "report --email exits 75 when a recipient failed" "$?" 75
is "desk got the summary" "$(spooled "$S_SPOOL")" 1
is "its subject is the default one" "$("$PY" -c 'import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(m["Subject"], m["To"])' "$S_SPOOL/1.eml")" \
    "Abuse summary $DAY: 0 confirmed desk@example.net"
is "everything went over TLS" "$(grep -c '"tls": false' "$S_LOG")" 0
is "the password from the environment was accepted" \
    "$(grep -c '"event": "auth".*"ok": true' "$S_LOG")" 3
is "gone (550) is a dead letter, busy (451) waits for a retry" \
    "$(q "SELECT target, attempts, dead, delivered_at IS NOT NULL,
    coalesce(last_error LIKE '%550%' OR last_error LIKE '%451%', 0) FROM outbox
    ORDER BY target" | tr '\n' ' ')" \
    "email:busy@example.net|1|0|0|1 email:desk@example.net|1|0|1|0 email:gone@example.net|1|1|0|1 "
ok "the failures were logged" grep -q \
    "email:gone@example.net: summary.email .*kept as a dead letter after 1 attempt" \
    "$T/r1.out"
sleep 1.2
"$AC" -c ac.ini deliver >"$T/d1.out" 2>&1
is "the second failure of busy makes it dead (max_attempts 2)" \
    "$?:$(q "SELECT attempts, dead FROM outbox
    WHERE target = 'email:busy@example.net'")" "75:2|1"
"$AC" -c ac.ini status >"$T/status.out"
ok "status shows both dead letters" grep -qx \
    'outbox: 0 waiting, 2 dead letters' "$T/status.out"
is "nobody got a second copy" "$(spooled "$S_SPOOL")" 1
ok "the password is nowhere" sh -c "! grep -a -q -e '$AC_TEST_SMTP_PASSWORD' \
    '$T'/*.out '$T'/var/abuse.db* '$S_LOG'"

unset AC_TEST_SMTP_PASSWORD
"$AC" -c ac.ini check-config >/dev/null 2>"$T/cc.err"
is "without the variable the configuration is refused" "$?" 78
ok "naming the key" grep -q \
    '\[email\] password_env: that environment variable is not set' \
    "$T/cc.err"
done_testing
