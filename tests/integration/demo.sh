#!/bin/sh
# The demo, run as `make demo` runs it: the summary's counts match the
# mailbox, a second run counts nothing twice, every message is accounted
# for, and parse prints the design's keys for every demo message.
. "$top_srcdir/tests/lib/lib.sh"

cp -R "$top_srcdir/config/demo" "$T/demo"
rm -rf "$T/demo/var"
chmod -R u+w "$T/demo"
C="$T/demo/demo.ini"

"$AC" -c "$C" run >"$T/out" 2>&1
is "run exits 0" "$?" 0
is "run prints nothing on success" "$(cat "$T/out")" ""
S="$T/demo/var/reports/summary-2026-11-20.csv"
ok "the summary of the demo day exists" test -f "$S"

row() { grep "^2026-11-20,$1," "$S" | tr -d '\r'; }
field() { row "$1" | cut -d, -f"$2"; }
is "cust-1001 is confirmed" "$(field cust-1001 3)" confirmed
is "cust-1001 has 3 internal reports (one sent twice)" "$(field cust-1001 5)" 3
is "cust-1001 has 2 external reports" "$(field cust-1001 6)" 2
is "cust-1002 is internal only" "$(field cust-1002 3),$(field cust-1002 5),$(field cust-1002 6)" "internal,2,0"
is "cust-1003 is external only, by network" "$(field cust-1003 3),$(field cust-1003 6),$(field cust-1003 11)" "external,1,network"
is "cust-1004 is confirmed over IPv6 and smtp auth" "$(field cust-1004 3),$(field cust-1004 11)" "confirmed,network smtp_auth"
is "the stray report is unresolved" "$(field '(unresolved)' 6)" 1
is "the summary has a header and five customers" "$(wc -l <"$S" | tr -d ' ')" 6
ok "the summary uses CRLF line ends" sh -c "head -1 '$S' | od -c | grep -q '\\\\r  \\\\n'"

db="$T/demo/var/abuse.db"
q() { sqlite3 "$db" "$1"; }
if command -v sqlite3 >/dev/null; then
	is "13 files, 12 distinct messages stored" "$(q 'select count(*) from messages')" 12
	is "one message quarantined, with its raw bytes" \
	    "$(q "select count(*) from messages where status='quarantined' and length(raw) = size")" 1
	is "the quarantine reason is kept" \
	    "$(q "select reason from messages where status='quarantined'")" "feedback part has no fields"
	is "11 reports" "$(q 'select count(*) from reports')" 11
	is "every file is remembered" "$(q 'select count(*) from local_seen')" 13
fi

# The summary without its last two columns (when it was made, whether
# the day had settled).
rows() { sed 's/,[^,]*,[^,]*\r$//' "$1"; }
rows "$S" >"$T/first.csv"
"$AC" -c "$C" run >/dev/null 2>&1
is "a second run exits 0" "$?" 0
"$AC" -c "$C" report --date 2026-11-20 >/dev/null 2>&1
is "a second run counts nothing twice" "$(rows "$S")" "$(cat "$T/first.csv")"
"$AC" -c "$C" import "$T/demo/maildir" >/dev/null 2>&1
"$AC" -c "$C" report --date 2026-11-20 >/dev/null 2>&1
is "importing the same mail again counts nothing twice" "$(rows "$S")" \
    "$(cat "$T/first.csv")"

"$AC" -c "$C" cases --date 2026-11-20 --format json >"$T/cases.json"
is "cases --format json gives one object per case" "$(wc -l <"$T/cases.json" | tr -d ' ')" 5
ok "cases json is valid JSON" python3 -c "
import json,sys
for l in open('$T/cases.json'): json.loads(l)"
"$AC" -c "$C" reports --since 2026-11-20 --until 2026-11-20 >"$T/reports.csv"
is "reports lists every report" "$(($(wc -l <"$T/reports.csv") - 1))" 11
"$AC" -c "$C" reports --since 2026-11-21 >"$T/none.csv"
is "reports honours --since (the header only)" "$(wc -l <"$T/none.csv" | tr -d ' ')" 1
"$AC" -c "$C" status >"$T/status"
ok "status shows the source" grep -q "source demo-mailbox" "$T/status"
ok "status shows the quarantine" grep -q "quarantine: 1 messages" "$T/status"

# parse prints the design's keys for every demo message.
for f in "$T"/demo/maildir/new/*.demo; do
	"$AC" -c "$C" parse "$f" >"$T/p" 2>&1
	case $(basename "$f") in
	1764000012.*)
		ok "parse: the broken report is quarantined" grep -q "^status: quarantined" "$T/p" ;;
	1764000010.*)
		ok "parse: the stray report is unresolved" grep -qx "customer: (unresolved)" "$T/p"
		ok "parse: an unresolved report has no resolved_by" sh -c "! grep -q '^resolved_by:' '$T/p'" ;;
	*)
		for k in format role feedback_type category reporter occurred_at \
		    source_ip origin_ip mail_from rcpt_to subject message_id \
		    customer resolved_by; do
			grep -q "^$k: " "$T/p" || echo "$(basename "$f"): no $k" >>"$T/missing"
		done ;;
	esac
done
is "parse prints every key for every demo message" "$(cat "$T/missing" 2>/dev/null)" ""
done_testing
