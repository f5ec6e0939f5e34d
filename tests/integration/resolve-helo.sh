#!/bin/sh
# A HELO naming one of our relays frames no customer: feedback reports
# collected from a real Dovecot whose offending message was received by
# a foreign server from a stranger (203.0.113.5) that said HELO with our
# relay's address (Exim without reverse DNS, qmail, Postfix with a HELO
# holding a comment of its own), with a forged hop "by" our relay and an
# X-AuthUser below it, do not resolve to that customer by `header`; the
# honest reports, where our relay did hand the message over, do.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"
. "$top_srcdir/tests/integration/resolve-mail.subr"

dc_require
dc_start

D="Mon, 02 Mar 2026 10:00:00 +0000"
cat >"$T/users.csv" <<'X'
auth_user,customer
innocent@example.net,cust-innocent
X
cat >"$T/nets.csv" <<'X'
cidr,customer
198.51.100.0/24,cust-innocent
203.0.113.0/24,cust-stranger
X
{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	printf '[resolver]\norder = header, network\n'
	printf 'trusted_hosts = relay.example.net, 192.0.2.0/24\n'
	printf 'users_file = %s\nnetworks_file = %s\n\n' "$T/users.csv" \
	    "$T/nets.csv"
	dc_source admin
} >"$T/ac.ini"

# The top hop (the receiver's), then a hop "by" our relay from the
# customer's address and the header: forged unless the top hop's
# recorded sender is our relay.
report() {	# id source-ip top-hop
	{ printf 'Received: %s;\n\t%s\n' "$3" "$D"
	  printf 'Received: from pc ([198.51.100.9])\n'
	  printf '\tby relay.example.net with esmtpsa; %s\n' "$D"
	  echo "X-AuthUser: innocent@example.net"; } |
	    arf "$T/$1.eml" "$D" "$2" receiver.example spam@nowhere.invalid "$1"
	dc_doveadm save -u "$DC_USER" -m INBOX <"$T/$1.eml" ||
	    echo "Bail out! doveadm save $1 failed"
}
report exim-forged 203.0.113.5 'from [203.0.113.5] (port=4444 helo=[192.0.2.60])
	by mx.receiver.example with esmtp (Exim 4.96)
	(envelope-from <spam@nowhere.invalid>) id 1tXa1b-000Q1e-2C'
report qmail-forged 203.0.113.5 'from unknown (HELO [192.0.2.60]) (203.0.113.5)
	by mx.receiver.example with SMTP'
report postfix-forged 203.0.113.5 'from x (relay.example.net [192.0.2.60]) (unknown [203.0.113.5])
	by mx.receiver.example (Postfix) with ESMTP id 4Ab1'
report exim-honest 192.0.2.60 'from relay.example.net ([192.0.2.60]:41000 helo=relay.example.net)
	by mx.receiver.example with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96)
	id 1tXa1c-000Q1f-3D'
report postfix-honest 192.0.2.60 'from relay.example.net (relay.example.net [192.0.2.60])
	by mx.receiver.example (Postfix) with ESMTPS id 4Ab2'

"$AC" -c "$T/ac.ini" collect >"$T/out" 2>"$T/err"
is "collect exits 0" "$?" 0
is "5 reports stored" "$(dbq 'SELECT count(*) FROM reports')" 5

who() {	# id
	dbq "SELECT coalesce(origin_ip, '-') || ' ' || customer || ' ' ||
	    coalesce(resolved_by, '-') || ' ' || coalesce(identity_header, '-')
	    FROM reports WHERE message_id = '$1@sender.invalid'"
}
for mta in exim qmail postfix; do
	is "$mta, HELO of our relay: the stranger, by network, no header" \
	    "$(who $mta-forged)" "203.0.113.5 cust-stranger network -"
done
for mta in exim postfix; do
	is "$mta, sent by our relay: the customer by header" \
	    "$(who $mta-honest)" "198.51.100.9 cust-innocent header X-AuthUser"
done
is "no report of a forged HELO names the customer" \
    "$(dbq "SELECT count(*) FROM reports WHERE customer = 'cust-innocent'
        AND message_id LIKE '%-forged@%'")" 0

done_testing
