#!/bin/sh
# The resolver chain through `parse -c`, `import` and `reports`: each
# step, the chain's order, identity headers trusted only below our own
# hops (forgeries below a foreign hop do not count), identity regexes,
# time-windowed addresses, IPv6, trusted hosts never attributed, and bad
# tables refused with file:line.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/integration/resolve-mail.subr"
cd "$T" || exit 1

D="Sun, 01 Mar 2026 10:00:00 +0000"
cat >users.csv <<'X'
auth_user,customer
alice@example.com,cust-alice
bob@example.com,cust-bob
1001,cust-php
X
cat >nets.csv <<'X'
cidr,customer,valid_from,valid_until
203.0.113.0/24,cust-dsl,,
203.0.113.77,cust-jan,2026-01-01,2026-02-01
203.0.113.77,cust-feb,2026-02-01,2026-03-01
192.0.2.0/24,cust-never,,
2001:db8:5::/48,cust-v6,,
X
cat >domains.csv <<'X'
domain,customer
example.org,cust-dom
X
conf() {	# file order
	cat >"$1" <<X
[store]
path = $T/abuse.db
[resolver]
order = $2
identity_headers = X-AuthUser, X-PHP-Originating-Script, Received
identity_regex = X-PHP-Originating-Script ^([0-9]+):
identity_regex = Received \\(Authenticated sender: ([^)]+)\\)
trusted_hosts = sub.example.net, out.example.net, 192.0.2.0/24
users_file = users.csv
networks_file = nets.csv
domains_file = domains.csv
X
}
conf ac.ini "header, smtp_auth, network, domain"
conf net-first.ini "network, header, smtp_auth, domain"

# Our submission server's hop (below the filter's), then the header.
ours() {
	printf 'Received: from sub.example.net (sub.example.net [192.0.2.10])\n'
	printf '\tby filter.spamexperts.invalid with esmtps; %s\n' "$D"
	printf 'Received: from client.isp.invalid (client [%s])\n' "${1:-203.0.113.50}"
	printf '\tby sub.example.net with esmtpsa; %s\n' "$D"
}

{ ours; echo "X-AuthUser: alice@example.com"; } |
    se hdr.eml "$D" 203.0.113.50 "" bob@example.net m1
is "header: identity header below our hop" \
    "$(pkey ac.ini hdr.eml customer)/$(pkey ac.ini hdr.eml resolved_by)" \
    "cust-alice/header"
ok "parse -c prints resolve_note, as reports does" \
    test -n "$(pkey ac.ini hdr.eml resolve_note)"
"$AC" -c ac.ini parse --json hdr.eml >hdr.json 2>/dev/null
ok "and parse -c --json too" grep -q '"resolve_note":' hdr.json
is "order: network first wins over the header" \
    "$(pkey net-first.ini hdr.eml customer)/$(pkey net-first.ini hdr.eml resolved_by)" \
    "cust-dsl/network"

{ ours; echo "X-AuthUser: dave@example.com"; } |
    se unlisted.eml "$D" 203.0.113.50 "" bob@example.net m2
is "header: a user not in users_file is the customer id" \
    "$(pkey ac.ini unlisted.eml customer)" "dave@example.com"

# Below a hop written by someone else, a header proves nothing.
{ ours; printf 'Received: from laptop ([10.9.9.9]) by client.isp.invalid; %s\n' "$D"
  echo "X-AuthUser: alice@example.com"; } |
    se forged1.eml "$D" 203.0.113.50 "" bob@example.net m3
is "forged header below the client's own hop is not trusted" \
    "$(pkey ac.ini forged1.eml identity_header)" ""
is "... and the report resolves by network instead" \
    "$(pkey ac.ini forged1.eml customer)/$(pkey ac.ini forged1.eml resolved_by)" \
    "cust-dsl/network"

# A spammer writing a Received "by" our host under a foreign hop.
{ printf 'Received: from attacker.invalid ([198.18.5.5])\n\tby mx.receiver.invalid; %s\n' "$D"
  printf 'Received: from client ([203.0.113.50])\n\tby sub.example.net with esmtpsa; %s\n' "$D"
  echo "X-AuthUser: alice@example.com"; } |
    arf forged2.eml "$D" 198.18.5.5 receiver.invalid spam@nowhere.invalid m4
is "forged Received by our host below a foreign hop is not trusted" \
    "$(pkey ac.ini forged2.eml identity_header)" ""
is "... and the forgery names nobody" "$(pkey ac.ini forged2.eml customer)" \
    "(unresolved)"

# The same chain, but the foreign hop got the message from us: trusted.
{ printf 'Received: from out.example.net (out.example.net [192.0.2.30])\n\tby mx.receiver.invalid; %s\n' "$D"
  printf 'Received: from sub.example.net ([192.0.2.10])\n\tby out.example.net; %s\n' "$D"
  printf 'Received: from client ([203.0.113.50])\n\tby sub.example.net with esmtpsa; %s\n' "$D"
  echo "X-AuthUser: alice@example.com"; } |
    arf external.eml "$D" 192.0.2.30 receiver.invalid spam@nowhere.invalid m5
is "external report: header below our hops through the receiver's hop" \
    "$(pkey ac.ini external.eml customer)/$(pkey ac.ini external.eml resolved_by)" \
    "cust-alice/header"
# A HELO naming our host proves nothing; the address decides.
{ printf 'Received: from out.example.net (evil [198.18.5.5])\n\tby mx.receiver.invalid; %s\n' "$D"
  printf 'Received: from client ([203.0.113.50])\n\tby sub.example.net with esmtpsa; %s\n' "$D"
  echo "X-AuthUser: alice@example.com"; } |
    arf helo.eml "$D" 198.18.5.5 receiver.invalid spam@nowhere.invalid m6
is "a sender claiming our host name in HELO is not trusted" \
    "$(pkey ac.ini helo.eml identity_header)" ""

{ ours; echo "X-PHP-Originating-Script: 1001:mailer.php"; } |
    se php.eml "$D" 203.0.113.50 "" bob@example.net m7
is "header regex: X-PHP-Originating-Script uid through users_file" \
    "$(pkey ac.ini php.eml auth_user)/$(pkey ac.ini php.eml customer)" \
    "1001/cust-php"
{ printf 'Received: from sub.example.net (sub.example.net [192.0.2.10])\n'
  printf '\tby filter.spamexperts.invalid with esmtps; %s\n' "$D"
  printf 'Received: from client (client [203.0.113.60])\n\t(Authenticated sender: carol)\n'
  printf '\tby sub.example.net (Postfix) with ESMTPSA id 4F; %s\n' "$D"; } |
    se postfix.eml "$D" 203.0.113.60 "" bob@example.net m8
is "header regex: Postfix Received (Authenticated sender: ...)" \
    "$(pkey ac.ini postfix.eml identity_header)/$(pkey ac.ini postfix.eml customer)" \
    "Received/carol"

ours | se auth.eml "$D" 203.0.113.50 bob@example.com bob@example.net m9
is "smtp_auth: the notification's user through users_file" \
    "$(pkey ac.ini auth.eml customer)/$(pkey ac.ini auth.eml resolved_by)" \
    "cust-bob/smtp_auth"
ours | se ipauth.eml "$D" 203.0.113.50 203.0.113.50@example.com bob@example.net m10
is "smtp_auth: an IP-shaped user does not count" \
    "$(pkey ac.ini ipauth.eml resolved_by)" "network"

ours 2001:db8:5::7 | se v6.eml "$D" 2001:db8:5::7 "" bob@example.net m11
is "network: IPv6" "$(pkey ac.ini v6.eml customer)" "cust-v6"
ours 203.0.113.77 |
    se jan.eml "Thu, 15 Jan 2026 12:00:00 +0000" 203.0.113.77 "" b@x.invalid m12
ours 203.0.113.77 |
    se feb.eml "Sun, 15 Feb 2026 12:00:00 +0000" 203.0.113.77 "" b@x.invalid m13
is "network: a dynamic address in January" "$(pkey ac.ini jan.eml customer)" \
    "cust-jan"
is "network: the same address in February" "$(pkey ac.ini feb.eml customer)" \
    "cust-feb"
is "network: after its windows the /24 holds it" \
    "$(pkey ac.ini hdr.eml customer)/$(pkey net-first.ini jan.eml customer)" \
    "cust-alice/cust-jan"

{ printf 'Received: from sub.example.net ([192.0.2.20])\n\tby out.example.net; %s\n' "$D"; } |
    se ours.eml "$D" 192.0.2.20 "" x@news.example.org m14
is "a trusted host is never attributed; domain of a parent" \
    "$(pkey ac.ini ours.eml customer)/$(pkey ac.ini ours.eml resolved_by)" \
    "cust-dom/domain"
: | se none.eml "$D" 198.18.0.9 "" x@nowhere.invalid m15
is "nothing matches: (unresolved)" "$(pkey ac.ini none.eml customer)" \
    "(unresolved)"
is "... with no resolved_by" "$(pkey ac.ini none.eml resolved_by)" ""

# Stored: reports shows customer, resolved_by and the note.
"$AC" -c ac.ini import hdr.eml none.eml auth.eml >out 2>&1
is "import exits 0" "$?" 0
"$AC" -c ac.ini reports --format json >reports.json
ok "reports has resolved_by and the evidence" grep -q \
    '"customer":"cust-alice","resolved_by":"header","resolve_note":"header X-AuthUser: '"'"'alice@example.com'"'"' in users_file"' \
    reports.json
ok "reports keeps why a report is unresolved" grep -q \
    '"resolve_note":"header: no identity header below a trusted hop; smtp_auth: no SMTP AUTH user; network: 198.18.0.9 not in networks_file at that time; domain: nowhere.invalid not in domains_file"' \
    reports.json
ok "reports shows smtp_auth" grep -q '"smtp_auth":"bob@example.com"' \
    reports.json

# Bad tables: the error names file and line, exit 78.
bad() {	# what file content want
	cp users.csv u.bak; cp nets.csv n.bak
	printf '%s' "$3" >"$2"
	"$AC" -c ac.ini check-config >out 2>&1
	is "$1: exit 78" "$?" 78
	ok "$1: $4" grep -qF "$4" out
	mv u.bak users.csv; mv n.bak nets.csv
}
bad "malformed CIDR" nets.csv "cidr,customer
203.0.113.0/24,a
203.0.113.1/24,b
" "nets.csv:3: '203.0.113.1/24' is not a CIDR prefix"
bad "same prefix, two customers" nets.csv "cidr,customer
203.0.113.0/24,a
10.0.0.0/8,c
203.0.113.0/24,b
" "nets.csv:4: prefix 203.0.113.0/24 for 'b' overlaps line 2, which gives it to 'a'"
bad "a user listed for two customers" users.csv "auth_user,customer
alice,a
Alice,b
" "users.csv:3: 'Alice' is listed for 'b' here and for 'a' at line 2"
printf 'auth_user,customer\nalice,a\nalice,a\n' >users.csv
"$AC" -c ac.ini check-config >out 2>err
is "a user repeated for the same customer is accepted" "$?" 0
ok "... with a warning naming the line" grep -q "users.csv:3: 1 row repeated exactly; ignored" err

done_testing
