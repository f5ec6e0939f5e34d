#!/bin/sh
# Cases and events through import, cases and reports: confidence, score,
# distinct reporters and addresses, escalation by "N in M", the cases time
# zone, unresolved reports never acted on, and each event recorded once,
# across re-runs, re-imports, re-sent copies and dry runs.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/integration/resolve-mail.subr"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -r /usr/share/zoneinfo/Europe/Amsterdam ] || skip_all "tzdata is not installed"
cd "$T" || exit 1

cat >ac.ini <<X
[store]
path = $T/abuse.db
[resolver]
order = header
trusted_hosts = sub.example.net
[cases]
timezone = Europe/Amsterdam
escalate_internal = 3 in 10m
escalate_external = 2 in 1h
X
# A report about customer $3 (by its identity header) from address $4.
n=0
report() {	# kind(se|arf) date customer ip [reporter]
	n=$((n + 1))
	{ printf 'Received: from c ([%s]) by sub.example.net; %s\n' "$4" "$2"
	  [ "$3" != - ] && printf 'X-AuthUser: %s\n' "$3"; } |
	    "$1" "r$n.eml" "$2" "$4" "${5:-gmail.example}" x@nowhere.invalid "m$n"
}
report se "Sun, 01 Mar 2026 10:00:00 +0000" cust-a 203.0.113.1
report se "Sun, 01 Mar 2026 10:03:00 +0000" cust-a 203.0.113.1
report se "Sun, 01 Mar 2026 10:06:00 +0000" cust-a 203.0.113.2
report arf "Sun, 01 Mar 2026 11:00:00 +0000" cust-a 203.0.113.1
report se "Sun, 01 Mar 2026 10:00:00 +0000" cust-b 203.0.113.5
report arf "Sun, 01 Mar 2026 09:00:00 +0000" cust-c 203.0.113.6 gmail.example
report arf "Sun, 01 Mar 2026 12:00:00 +0000" cust-c 203.0.113.6 aol.example
report se "Sun, 01 Mar 2026 23:30:00 +0000" cust-d 203.0.113.7
report se "Sun, 01 Mar 2026 10:00:00 +0000" - 198.18.0.1
report se "Sun, 01 Mar 2026 10:00:30 +0000" - 198.18.0.2
report se "Sun, 01 Mar 2026 10:01:00 +0000" - 198.18.0.3

"$AC" -c ac.ini import r*.eml >out 2>&1
is "import exits 0" "$?" 0
"$AC" -c ac.ini cases | tr -d "\r" | cut -d, -f1-8,11,13 >cases.csv
cat >want.csv <<'X'
day,customer,confidence,score,internal_reports,external_reports,distinct_source_ips,distinct_reporters,escalated,escalated_role
2026-03-01,cust-a,confirmed,66.99,3,1,2,1,yes,internal
2026-03-01,cust-c,external,24.77,0,2,1,2,no,
2026-03-01,(unresolved),internal,6.02,3,0,3,0,no,
2026-03-01,cust-b,internal,3.01,1,0,1,0,no,
2026-03-02,cust-d,internal,3.01,1,0,1,0,no,
X
ok "cases: confidence, score, counts and escalation" diff want.csv cases.csv
ok "cases: escalated at the third report within 10 minutes" sh -c \
    '"$0" -c ac.ini cases --format json | grep -q "\"customer\":\"cust-a\".*\"escalated_at\":\"2026-03-01T10:06:00Z\",\"escalated_role\":\"internal\""' "$AC"

events() {
	python3 -c '
import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(
    "SELECT kind, customer, day FROM events ORDER BY customer, day, kind"):
    print(" ".join(r))' abuse.db
}
cat >want.ev <<'X'
case.confirmed cust-a 2026-03-01
case.escalated cust-a 2026-03-01
case.opened cust-a 2026-03-01
case.opened cust-b 2026-03-01
case.opened cust-c 2026-03-01
case.opened cust-d 2026-03-02
X
events >got.ev
ok "events: opened, confirmed, escalated; none for unresolved" diff want.ev got.ev

"$AC" -c ac.ini import r*.eml >out 2>&1
events >got.ev
ok "re-importing the same mail records no event again" diff want.ev got.ev
sed 's/^Message-ID: <fbl-m4@/Message-ID: <resent-m4@/' r4.eml >resent.eml
"$AC" -c ac.ini -v import resent.eml >out 2>&1
ok "a re-sent copy of a report is a duplicate" grep -q "0 new reports, 1 duplicates" out
events >got.ev
ok "... and records no event" diff want.ev got.ev

report se "Sun, 01 Mar 2026 10:07:00 +0000" cust-a 203.0.113.3
report se "Sun, 01 Mar 2026 14:00:00 +0000" cust-b 203.0.113.5
"$AC" -c ac.ini import "r$((n - 1)).eml" "r$n.eml" >out 2>&1
events >got.ev
ok "new reports of open cases record no event again" diff want.ev got.ev

# A dry run sees the confirmation but keeps nothing.
report arf "Sun, 01 Mar 2026 15:00:00 +0000" cust-b 203.0.113.5
"$AC" -c ac.ini -n -v import "r$n.eml" >out 2>&1
ok "a dry run would confirm cust-b" grep -q "case.confirmed: cust-b on 2026-03-01" out
events >got.ev
ok "... but records nothing" diff want.ev got.ev
"$AC" -c ac.ini import "r$n.eml" >out 2>&1
echo "case.confirmed cust-b 2026-03-01" >>want.ev
sort want.ev >want.sorted
events | sort >got.ev
ok "the real run records case.confirmed once" diff want.sorted got.ev
is "cust-b is confirmed now" "$("$AC" -c ac.ini cases --date 2026-03-01 |
    grep ',cust-b,' | cut -d, -f3)" "confirmed"

# reports shows who and how for each stored report.
"$AC" -c ac.ini reports | tr -d "\r" >reports.csv
head -1 reports.csv | tr ',' '\n' >cols
ok "reports has customer, resolved_by and resolve_note columns" sh -c \
    'grep -qx customer cols && grep -qx resolved_by cols && grep -qx resolve_note cols && grep -qx smtp_auth cols'
is "every cust-a report resolved by header" \
    "$(grep -c ',cust-a,header,' reports.csv)" 5

done_testing
