#!/bin/sh
# TLS is verified and required for the summary e-mail: a certificate
# from another CA and a server without STARTTLS get neither the password
# nor the message; the rows wait, and go once the trust is fixed.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
email_prelude
PASSWORD='never-leaves-4b7'
secret_file "$T/smtp.pass" "$PASSWORD"
start_smtpsrv S --mode starttls --cert "$T/pki/server.pem" \
    --key "$T/pki/server.key" --user desk --password-file "$T/smtp.pass" ||
    skip_all "SMTP server did not start"
start_smtpsrv P --mode plain --user desk --password-file "$T/smtp.pass" ||
    skip_all "SMTP server did not start"
cp "$T/ac.ini" "$T/base.ini"
email_config() {
	cp "$T/base.ini" "$T/ac.ini"
	cat >>"$T/ac.ini" <<-EOT
	[email]
	url = smtp://127.0.0.1:$1
	from = abuse-collector@example.net
	to = desk@example.net
	user = desk
	password_file = smtp.pass
	ca_file = $2
	retry_base = 1s
	EOT
}
mkreport internal 192.0.2.10 10:00 'Cheap stuff' 1 a
cd "$T" || exit 1
email_config "$S_PORT" pki/other-ca.pem
ok "collect" "$AC" -c ac.ini collect

"$AC" -c ac.ini report --date "$DAY" --email >"$T/r1.out" 2>&1
is "a certificate the CA file does not vouch for: exit 75" "$?" 75
is "no message arrived" "$(spooled "$S_SPOOL")" 0
is "the server saw no AUTH and no MAIL" \
    "$(grep -c -e '"event": "auth"' -e '"event": "mail"' "$S_LOG")" 0
ok "the error is about the certificate" grep -qi 'certificate' "$T/r1.out"
is "the row waits for a retry" "$(q "SELECT attempts, dead,
    delivered_at IS NULL FROM outbox")" "1|0|1"

email_config "$P_PORT" pki/ca.pem
sleep 1.1
"$AC" -c ac.ini deliver >"$T/d1.out" 2>&1
is "a server without STARTTLS: exit 75" "$?" 75
is "it got no AUTH, no MAIL, no message" \
    "$(grep -c -e '"event": "auth"' -e '"event": "mail"' "$P_LOG"):$(spooled "$P_SPOOL")" \
    "0:0"
ok "it was asked for its capabilities only" grep -q '"event": "ehlo"' "$P_LOG"
ok "the error says TLS was required" grep -qi 'STARTTLS\|SSL' "$T/d1.out"

email_config "$S_PORT" pki/ca.pem
sleep 1.1
"$AC" -c ac.ini deliver >"$T/d2.out" 2>&1
is "with the right CA the waiting summary goes out" \
    "$?:$(spooled "$S_SPOOL")" "0:1"
is "after three attempts, under one key" "$(q "SELECT count(*), attempts,
    delivered_at IS NOT NULL FROM outbox")" "1|3|1"
ok "the password is nowhere" sh -c "! grep -a -q -e '$PASSWORD' \
    '$T'/*.out '$T'/var/abuse.db* '$S_LOG' '$P_LOG'"

# smtp:// and smtps:// only.
cp "$T/base.ini" "$T/ac.ini"
printf '[email]\nurl = https://127.0.0.1/\nfrom = a@example.net\nto = b@example.net\n' \
    >>"$T/ac.ini"
"$AC" -c ac.ini check-config >/dev/null 2>"$T/cc.err"
is "another scheme is refused" "$?" 78
ok "naming file, line and key" grep -q \
    "ac.ini:[0-9]*: \[email\] url: must be smtps://HOST\[:PORT\] (TLS) or smtp://HOST\[:PORT\] (STARTTLS, required)" \
    "$T/cc.err"
done_testing
