#!/bin/sh
# TLS and login failures against a real Dovecot.  Each certificate
# problem is refused with its reason named, STARTTLS is never skipped, and
# in every refused case the server saw no login attempt; a wrong password
# fails without the password appearing anywhere.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

dc_require
dc_load 3 1

# Run collect with the source given by the arguments; sets rc, and the
# output in $T/err.
collect() {
	{
		printf '[store]\npath = %s\n\n' "$T/abuse.db"
		dc_source box "$@"
	} >"$T/ac.ini"
	: >"$DC/dovecot.log"
	"$AC" -c "$T/ac.ini" collect >"$T/err" 2>&1
	rc=$?
}

# The server's log says the connection ended without any login: it was
# logged with no user, whether before the greeting, before auth was ready
# or with no auth attempts (which of these depends on timing), and
# nothing in the log shows a login tried.
no_login() {
	grep -q "imap-login: Info: Disconnected.*: user=<>," "$DC/dovecot.log" &&
	    ! grep -q "user=<[^>]\|Login:\|auth failed\|Aborted login" \
	    "$DC/dovecot.log" && return 0
	cat "$DC/dovecot.log"
	return 1
}

# Dovecot logs the end of a connection a moment after the client goes.
settle() {
	local n=0
	while ! grep -q "Disconnected" "$DC/dovecot.log" && [ $n -lt 100 ]; do
		sleep 0.02
		n=$((n + 1))
	done
}

dc_start cert=untrusted
collect
is "a certificate from an unknown CA: exit 75" "$rc" 75
ok "the error names the source, server and reason" \
    grep -q "^abuse-collector: box: 127.0.0.1:$DC_SPORT: TLS certificate not accepted: untrusted issuer 'CN=Some Other CA'" \
    "$T/err"
settle
ok "and no credential was sent" no_login
is "nothing was stored" "$(dbq 'SELECT count(*) FROM messages')" 0

collect "port=$DC_PORT" tls=starttls
is "the same certificate after STARTTLS: exit 75" "$rc" 75
ok "refused with the same reason" grep -q "untrusted issuer" "$T/err"
settle
ok "and no credential was sent" no_login

dc_start cert=wrongname
collect
is "a certificate for another host: exit 75" "$rc" 75
ok "the reason is a name mismatch, with the names" \
    grep -q "name mismatch (certificate is for mail.example.test, not 127.0.0.1)" \
    "$T/err"
settle
ok "and no credential was sent" no_login

dc_start cert=expired
collect
is "an expired certificate: exit 75" "$rc" 75
ok "the reason is expiry, with the date" \
    grep -q "TLS certificate not accepted: expired (not after 2020-02-01)" \
    "$T/err"
settle
ok "and no credential was sent" no_login

dc_start cert=good
collect ca_file=
is "without ca_file the system's store does not know the test CA" "$rc" 75
ok "untrusted issuer" grep -q "untrusted issuer 'CN=abuse-collector test CA'" \
    "$T/err"

collect
is "the good certificate is accepted" "$rc" 0
is "and the messages are read" "$(dbq 'SELECT count(*) FROM messages')" 3

# A failed run on port $port: exit 75, the one line $2 and nothing else
# (GnuTLS's own line is not printed besides).
expect_failure() {
	is "$1: exit 75" "$rc" 75
	ok "$1: $2" has_line "^abuse-collector: box: 127.0.0.1:$port: $2$" \
	    "$T/err"
	ok "$1: nothing else is printed" \
	    sh -c "! grep -qv '^abuse-collector: ' '$T/err'"
}

port=$DC_PORT
collect "port=$port"
expect_failure "implicit TLS on a plain port" \
    "TLS handshake failed: An unexpected TLS packet was received (is it an implicit TLS port? for port 143 use tls = starttls)"

# Servers that fail the handshake otherwise, scripted: the error says
# what happened rather than guess at a wrong port.
fake() {
	port=$(free_port)
	python3 "$TESTLIB/testnet.py" serve "$port" "$1" &
	fakepid=$!
	python3 "$TESTLIB/testnet.py" wait "$port" 10 ||
	    echo "Bail out! the scripted server did not start"
	shift
	collect host=127.0.0.1 "port=$port" "$@"
	kill $fakepid
	wait $fakepid 2>/dev/null
}
fake close
expect_failure "a server that closes" \
    "TLS handshake failed: the server closed the connection"
fake reset
expect_failure "a server that resets" \
    "TLS handshake failed: the server closed the connection"
start=$(date +%s)
fake silent timeout=1s
expect_failure "a server that says nothing" \
    "TLS handshake failed: no answer within 1 s (timeout)"
# The bound covers starting the scripted server too, on a machine that
# may be loaded; without the timeout the run would wait for the server
# for good.
ok "it gave up well before the default timeout (60 s)" \
    test $(($(date +%s) - start)) -le 30
fake starttls-close tls=starttls
expect_failure "STARTTLS, then the server closes" \
    "TLS handshake failed: the server closed the connection"
fake starttls-plain tls=starttls
expect_failure "STARTTLS, then the server goes on in clear text" \
    "TLS handshake failed after STARTTLS: An unexpected TLS packet was received"

# A server without TLS: STARTTLS is required, never skipped.
dc_start ssl=no
collect "port=$DC_PORT" tls=starttls
is "STARTTLS not offered: exit 75" "$rc" 75
ok "the error says so" \
    grep -q "^abuse-collector: box: 127.0.0.1:$DC_PORT: the server does not offer STARTTLS" \
    "$T/err"
settle
ok "and nothing was sent in clear text" no_login

collect "port=$DC_PORT" tls=none
is "tls = none without allow_plaintext is a configuration error" "$rc" 78
ok "which names the key" grep -q "ac.ini:[0-9]*: \[source box\] tls: none sends the password in clear text" \
    "$T/err"

dc_load 2 4
collect "port=$DC_PORT" tls=none allow_plaintext=yes
is "tls = none with allow_plaintext = yes works" "$rc" 0
is "and reads the new messages" "$(dbq 'SELECT count(*) FROM messages')" 5

# A wrong password: the error names the user and quotes the server, and
# the password appears nowhere.
dc_start
printf 'not the password\n' >"$T/wrong"
chmod 600 "$T/wrong"
collect "password_file=$T/wrong"
is "a wrong password: exit 75" "$rc" 75
ok "the error names the user and what the server said" \
    grep -q "^abuse-collector: box: 127.0.0.1:$DC_SPORT: login as 'abuse' with the password failed: the server said: .*Authentication failed" \
    "$T/err"
ok "the password is not in the output" sh -c "! grep -q 'not the password' '$T/err'"
ok "the collector's database does not hold it" \
    sh -c "! grep -q 'not the password' '$T/abuse.db'"

done_testing
