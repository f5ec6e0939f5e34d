#!/bin/sh
# What counts, and the abuse desk's corrections, end to end against a
# webhook receiver on loopback: complaints count only with evidence for
# the customer; one without is unverified; a customer's apology quoting
# their own spam is a reply; dismissing the external report of a
# confirmed case sends case.unconfirmed once, accepting a complaint
# confirms a case and sends case.confirmed, restoring confirms again
# under a key of its own; repeating any of them sends nothing more; a
# correction killed in the middle of its transaction leaves the state
# before it.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

base_config
start_hooksrv A || skip_all "webhook receiver did not start"
secret_file "$T/a.secret" k1
cat >"$T/doms.csv" <<EOT
domain,customer
alpha-shop.example,cust-alpha
EOT
# The resolver as base_config has it, with the domains table too.
sed -i 's/^order = network$/order = network, domain\ndomains_file = doms.csv/' \
    "$T/ac.ini"
cat >>"$T/ac.ini" <<EOT
[webhook tickets]
url = http://127.0.0.1:$A_PORT/hook
allow_plaintext = yes
secret_file = a.secret
retry_base = 1s
EOT
cd "$T" || exit 1

# A complaint by a person: complaint FILE FROM SUBJECT [IP [SENDER]]
# pastes the headers of a message from IP (sent by SENDER) when IP is
# given, else has only the text.
complaint() {
	{
		printf 'From: %s\nTo: abuse@example.net\nSubject: %s\n' "$2" "$3"
		printf 'Date: %s\nMessage-ID: <%s@c.example>\n' \
		    "$(date -u -R -d "${DAY}T12:00:00Z")" "$(basename "$1")"
		printf 'Content-Type: text/plain\n\nPlease stop this spam.\n\n'
		if [ -n "${4:-}" ]; then
			printf '> Received: from client ([%s]) by mx.rcpt.example; %s\n' \
			    "$4" "$(date -u -R -d "${DAY}T11:00:00Z")"
			printf '> From: %s\n> Subject: Cheap pills\n' \
			    "${5:-promo@elsewhere.example}"
			printf '> Message-ID: <off-%s@x.example>\n' "$(basename "$1")"
		fi
	} >"md/new/$1"
}

# alpha: the filter and a feedback loop: confirmed.  beta: a complaint
# with the offending headers pasted.  gamma: the filter, and a complaint
# that only names an address in its subject.  And alpha's owner
# apologising, quoting the spam.
mkreport internal 192.0.2.5 10:00 'alpha spam' 1 ia
mkreport external 192.0.2.6 10:30 'alpha spam' 1 xa
complaint beta.eml 'Bob <bob@mail.example>' 'Spam from your network' \
    192.0.2.20
mkreport internal 198.51.100.7 09:00 'gamma spam' 1 ig
complaint gamma.eml 'Dave <dave@mail.example>' 'Spam from 198.51.100.7'
complaint nobody.eml 'Eve <eve@mail.example>' 'Junk again'
complaint sorry.eml 'Owner <owner@alpha-shop.example>' \
    'Re: spam from your account' 192.0.2.9 owner@alpha-shop.example
ok "collect" "$AC" -c ac.ini collect
is "complaints: with evidence counted for beta, without it unverified" \
    "$(q "SELECT r.customer, r.state FROM reports r JOIN messages m
    ON m.id = r.message WHERE r.format = 'complaint' ORDER BY r.customer")" \
    "(unresolved)|unverified
cust-beta|counted
cust-gamma|unverified"
is "the owner's apology is a reply, stored ignored, not a report" \
    "$(q "SELECT m.status, m.kind, count(r.id) FROM messages m LEFT JOIN
    reports r ON r.message = m.id WHERE m.kind IS NOT NULL
    GROUP BY m.id")" "ignored|reply|0"
is "cases: alpha confirmed, beta external, gamma internal" \
    "$("$AC" -c ac.ini cases | tr -d '\r' | cut -d, -f2,3,5,6 | sort)" \
    "cust-alpha,confirmed,1,1
cust-beta,external,0,1
cust-gamma,internal,1,0
customer,confidence,internal_reports,external_reports"
ok "reports --review lists gamma's complaint" sh -c \
    '"$0" -c ac.ini reports --review | grep -q "^[0-9]*,.*dave@mail.example,.*,cust-gamma,network,\"none: no offending message"' "$AC"
ok "report" "$AC" -c ac.ini report --date "$DAY"
ok "reports-D.csv lists the unverified complaint" \
    grep -q ',unverified,"none: no offending message' "out/reports-$DAY.csv"
ok "the summary's Needs review table lists it" sh -c \
    'sed -n "/<section id=\"review\">/,/<\/section>/p" "$0" |
    grep -q "dave@mail.example"' "out/summary-$DAY.html"
ok "deliver" deliver_until_idle 30
is "opened and confirmed arrived" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" | cut -d' ' -f1,2 | sort |
    tr '\n' ';')" \
    "case.confirmed cust-alpha;case.opened cust-alpha;case.opened cust-beta;case.opened cust-gamma;"
CONF1=$(q "SELECT idempotency_key FROM outbox WHERE kind = 'case.confirmed'")

ARF=$(q "SELECT id FROM reports WHERE format = 'arf'")
GAMMA=$(q "SELECT id FROM reports WHERE state = 'unverified' AND
    customer = 'cust-gamma'")
NOBODY=$(q "SELECT id FROM reports WHERE state = 'unverified' AND
    customer = '(unresolved)'")
SE=$(q "SELECT id FROM reports WHERE format = 'spamexperts' AND
    customer = 'cust-alpha'")

# Errors change nothing and say which report.
"$AC" -c ac.ini dismiss "$ARF" >said 2>err
is "dismiss without a reason is a usage error" "$?" 64
"$AC" -c ac.ini accept "$ARF" >said 2>err
is "accepting a report that counts already exits 65" "$?" 65
ok "... and names it" grep -q "report $ARF is not an unverified complaint" err
"$AC" -c ac.ini dismiss "$ARF" 99999 --reason x >said 2>err
is "an unknown report exits 65" "$?" 65
ok "... names it" grep -q "report 99999: no such report" err
is "... and nothing changed, not even the known one" \
    "$(q "SELECT state FROM reports WHERE id = $ARF")" counted

# 1. Dismiss the feedback loop's report: alpha loses its confirmation.
"$AC" -c ac.ini dismiss "$ARF" --reason 'forwarded by mistake' >said 2>&1
is "dismiss exits 0" "$?" 0
ok "... and says so" grep -q "case cust-alpha $DAY: confirmed, now internal" said
is "alpha is internal now" \
    "$(q "SELECT confidence, internal_reports, external_reports,
    round(score, 2) FROM cases WHERE customer = 'cust-alpha'")" \
    "internal|1|0|3.01"
ok "deliver" deliver_until_idle 30
is "case.unconfirmed arrived once" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" |
    grep -c '^case.unconfirmed cust-alpha 1 ')" 1
ok "with who, when and why" sh -c 'grep "case.unconfirmed" "$0" |
    grep -q "forwarded by mistake"' "$A_LOG"
"$AC" -c ac.ini dismiss "$ARF" --reason 'forwarded by mistake' >said 2>&1
is "dismissing it again exits 0" "$?" 0
ok "... and says nothing changed" grep -q "^nothing changed" said
ok "deliver" deliver_until_idle 30
is "nothing more arrived" "$(wc -l <"$A_LOG")" 5

# 2. Accept gamma's complaint: gamma is confirmed.
"$AC" -c ac.ini accept "$GAMMA" --reason 'the address is gamma' >said 2>&1
is "accept exits 0" "$?" 0
is "gamma is confirmed" "$(q "SELECT confidence, external_reports FROM
    cases WHERE customer = 'cust-gamma'")" "confirmed|1"
ok "deliver" deliver_until_idle 30
is "case.confirmed arrived for gamma" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" |
    grep -c '^case.confirmed cust-gamma 1 ')" 1
"$AC" -c ac.ini accept "$GAMMA" >said 2>&1
is "accepting it again exits 0" "$?" 0
ok "... and says nothing changed" grep -q "^nothing changed" said
ok "deliver" deliver_until_idle 30
is "nothing more arrived" "$(wc -l <"$A_LOG")" 6

# A complaint that suggests no customer is accepted only for one named.
"$AC" -c ac.ini accept "$NOBODY" >said 2>err
is "accepting a complaint without a customer exits 65" "$?" 65
ok "... and says to name one" grep -q "report $NOBODY names no customer: say which with --customer" err
"$AC" -c ac.ini accept "$NOBODY" --customer cust-beta >said 2>&1
is "accepting it for a customer exits 0" "$?" 0
is "it counts for that customer" "$(q "SELECT state, customer FROM reports
    WHERE id = $NOBODY")|$(q "SELECT external_reports FROM cases WHERE
    customer = 'cust-beta'")" "counted|cust-beta|2"
"$AC" -c ac.ini accept "$NOBODY" --customer cust-delta >said 2>err
is "accepting it again for another customer exits 65" "$?" 65

# 3. Restore the feedback loop's report: alpha is confirmed again,
# under a key that is neither the first confirmation's nor the
# unconfirmation's.
"$AC" -c ac.ini restore "$ARF" >said 2>&1
is "restore exits 0" "$?" 0
ok "deliver" deliver_until_idle 30
is "alpha's second case.confirmed arrived" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" |
    grep -c '^case.confirmed cust-alpha 1 ')" 2
CONF2=$(q "SELECT o.idempotency_key FROM outbox o WHERE o.kind =
    'case.confirmed' AND o.payload LIKE '%cust-alpha%' AND
    o.idempotency_key <> '$CONF1'")
UNC=$(q "SELECT idempotency_key FROM outbox WHERE kind = 'case.unconfirmed'")
ok "three different keys" test -n "$CONF2" -a "$CONF2" != "$UNC" -a \
    "$CONF1" != "$UNC"
"$AC" -c ac.ini restore "$ARF" >said 2>&1
is "restoring again exits 0 and changes nothing" \
    "$?:$(grep -c '^nothing changed' said)" "0:1"
is "the keys, the events and the bodies hold" \
    "$("$PY" "$LIBDIR/hookcheck.py" keys "$A_LOG")" \
    "event under 2 keys: case.confirmed cust-alpha $DAY
events 6 keys 7 requests 7"
is "every body as documented" \
    "$("$PY" "$LIBDIR/hookcheck.py" schema "$A_LOG")" ""
ok "report again" "$AC" -c ac.ini report --date "$DAY"
ok "the summary lists the corrections with who and why" sh -c \
    'sed -n "/<h3>Corrections/,/<\/section>/p" "$0" |
    grep "forwarded by mistake" | grep -q "$(id -un)"' \
    "out/summary-$DAY.html"
is "reports shows who corrected what and why" \
    "$("$AC" -c ac.ini reports | tr -d '\r' | "$PY" -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    if r["corrected"]:
        print(r["id"], r["state"], r["corrected"], r["corrected_by"] != "",
              r["correction_reason"])' | sort -n)" \
    "$(printf '%s\n' "$ARF counted restore True " \
    "$NOBODY counted accept True " \
    "$GAMMA counted accept True the address is gamma" | sort -n)"

# 4. kill -9 in the middle of a correction: the second report's record
# makes the store stop in a trigger (which first writes enough to spill
# the uncommitted transaction into the WAL, the sign that it is under
# way), after the first report was changed and before anything else.
q "CREATE TABLE ballast (b);
CREATE TABLE big (x);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c
    LIMIT 3000) INSERT INTO big SELECT x FROM c;
CREATE TRIGGER hold AFTER INSERT ON corrections WHEN NEW.report = $SE
BEGIN
    INSERT INTO ballast VALUES (zeroblob(40000000));
    SELECT count(*) FROM big a, big b, big c;
END;
PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
before=$(q "SELECT (SELECT group_concat(id || ':' || state) FROM reports),
    (SELECT group_concat(customer || ':' || confidence) FROM cases),
    (SELECT count(*) FROM corrections), (SELECT count(*) FROM outbox),
    (SELECT count(*) FROM case_flips)")
"$AC" -c ac.ini dismiss "$ARF" "$SE" --reason 'both wrong' >said 2>&1 &
pid=$!
i=0
while [ "$(stat -c %s var/abuse.db-wal 2>/dev/null || echo 0)" -lt 30000000 ] &&
    kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
ok "the correction is under way (its writes spill into the WAL)" \
    test "$(stat -c %s var/abuse.db-wal)" -ge 30000000
ok "killed in the middle" kill -9 "$pid"
wait "$pid" 2>/dev/null
q "DROP TRIGGER hold; DROP TABLE ballast; DROP TABLE big;"
is "after the kill the state is the one before" \
    "$(q "SELECT (SELECT group_concat(id || ':' || state) FROM reports),
    (SELECT group_concat(customer || ':' || confidence) FROM cases),
    (SELECT count(*) FROM corrections), (SELECT count(*) FROM outbox),
    (SELECT count(*) FROM case_flips)")" "$before"
ok "the same correction again, not killed" \
    "$AC" -c ac.ini dismiss "$ARF" "$SE" --reason 'both wrong'
is "alpha lost both reports of the day" \
    "$(q "SELECT count(*) FROM cases WHERE customer = 'cust-alpha'")" 0
ok "deliver" deliver_until_idle 30
is "case.unconfirmed arrived once more, with confidence none" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" |
    grep -c '^case.unconfirmed cust-alpha 1 ')" 2
is "every body as documented" \
    "$("$PY" "$LIBDIR/hookcheck.py" schema "$A_LOG")" ""
is "the store is sound" "$(q "PRAGMA integrity_check")" ok
done_testing
