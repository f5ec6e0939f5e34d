#!/bin/sh
# The quarantine is a queue: it is listed, a message comes out byte for
# byte, and after a limit is raised `quarantine retry` (or importing the
# same file) moves it into the normal flow: report, case and event, once,
# across reruns and a kill -9 after a commit.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

base_config
cd "$T" || exit 1
limit() {
	sed -i '/^\[limits\]/,$d' ac.ini
	printf '[limits]\nmax_mime_parts = %s\n%s' "$1" "${2:+$2
}" >>ac.ini
}
q() { sqlite3 var/abuse.db "$1"; }
limit 2

# 1. An ARF report has three parts: quarantined at max_mime_parts = 2.
mkreport external 192.0.2.3 10:00 'first' 1 a
A=$(ls md/new/*externala0*)
ok "collect" "$AC" -c ac.ini collect
is "the report is quarantined, nothing counted" \
    "$(q "SELECT status, reason FROM messages; SELECT count(*) FROM reports")" \
    "quarantined|more than 2 MIME parts (max_mime_parts)
0"
ID=$(q "SELECT id FROM messages")
is "quarantine lists id, when, source and position, size, reason" \
    "$("$AC" -c ac.ini quarantine | tr -d '\r' | cut -d, -f1,3,4,6-)" \
    "id,source,folder,size,kept,reason
$ID,archive,$T/md,$(wc -c <"$A"),yes,more than 2 MIME parts (max_mime_parts)"
is "... as JSON too" \
    "$("$AC" -c ac.ini quarantine --format json | "$PY" -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    print(o["id"], o["source"], o["size"], o["reason"])')" \
    "$ID archive $(wc -c <"$A") more than 2 MIME parts (max_mime_parts)"
"$AC" -c ac.ini quarantine show "$ID" >shown.eml
is "quarantine show exits 0" "$?" 0
ok "quarantine show writes the message byte for byte" cmp shown.eml "$A"
"$AC" -c ac.ini quarantine show 999 >none.out 2>none.err
is "show of an id not quarantined: exit 65" "$?" 65
ok "... naming it" grep -q 'message 999 is not in the quarantine' none.err
ok "... and writing nothing" test ! -s none.out

# 2. The limit raised: retry parses it as a new message would be.
limit 64
"$AC" -c ac.ini quarantine retry >retry1.out
is "retry exits 0" "$?" 0
is "retry says what became of it" "$(cat retry1.out)" \
    "$ID: parsed: 1 new report"
is "the message is parsed now, its bytes dropped with the quarantine" \
    "$(q "SELECT status, format, raw IS NULL FROM messages WHERE id = $ID")" \
    "parsed|arf|1"
is "its report, for the customer, on its day" \
    "$(q "SELECT customer, day, role, message FROM reports")" \
    "cust-alpha|$DAY|external|$ID"
is "its case" "$(q "SELECT customer, day, confidence, external_reports FROM cases")" \
    "cust-alpha|$DAY|external|1"
is "its event" "$(q "SELECT kind, customer, day FROM events")" \
    "case.opened|cust-alpha|$DAY"
"$AC" -c ac.ini quarantine retry >retry2.out
is "retry again exits 0" "$?" 0
ok "... with nothing to say" test ! -s retry2.out
"$AC" -c ac.ini quarantine retry "$ID" >retry3.out 2>retry3.err
is "retry of an id no longer quarantined: exit 65" "$?" 65
ok "... saying so" grep -q "message $ID is not in the quarantine" retry3.err
"$AC" -c ac.ini collect
is "nothing new after retries and a collect" \
    "$(q "SELECT count(*) FROM reports; SELECT count(*) FROM events;
    SELECT count(*) FROM messages")" "1
1
1"

# 3. Import of the file whose hash is quarantined does the same.
limit 2
mkreport external 192.0.2.20 11:00 'second' 1 b
B=$(ls md/new/*externalb0*)
"$AC" -c ac.ini collect
IDB=$(q "SELECT id FROM messages WHERE status = 'quarantined'")
ok "the second report is quarantined" test -n "$IDB"
limit 64
"$AC" -c ac.ini -v import "$B" 2>import1.err
is "import exits 0" "$?" 0
ok "import says it came out of the quarantine" \
    grep -q '1 messages: 1 new reports, 0 duplicates, 0 quarantined, 0 ignored, 1 out of the quarantine' import1.err
is "the same row, parsed; its report, case and event" \
    "$(q "SELECT status FROM messages WHERE id = $IDB;
    SELECT customer, message FROM reports WHERE customer = 'cust-beta';
    SELECT confidence FROM cases WHERE customer = 'cust-beta';
    SELECT count(*) FROM events WHERE customer = 'cust-beta'")" \
    "parsed
cust-beta|$IDB
external
1"
"$AC" -c ac.ini -v import "$B" 2>import2.err
ok "importing it again is a duplicate" \
    grep -q '1 messages: 0 new reports, 1 duplicates, 0 quarantined' import2.err
is "nothing twice" \
    "$(q "SELECT count(*) FROM reports; SELECT count(*) FROM events;
    SELECT count(*) FROM messages")" "2
2
2"

# 4. A message that still fails stays, with its new reason.
limit 2
mkreport internal 192.0.2.4 12:00 'third' 1 c
"$AC" -c ac.ini collect
IDC=$(q "SELECT id FROM messages WHERE status = 'quarantined'")
limit 64 'max_headers = 3'
"$AC" -c ac.ini quarantine retry "$IDC" >retry4.out
is "retry of a message that still fails exits 0" "$?" 0
REASON=$(q "SELECT reason FROM messages WHERE id = $IDC")
is "it stays quarantined, with the new reason" \
    "$(q "SELECT status FROM messages WHERE id = $IDC")|$REASON" \
    "quarantined|$(echo "$REASON" | grep 'max_headers')"
is "retry says so" "$(cat retry4.out)" "$IDC: still quarantined: $REASON"
"$AC" -c ac.ini -v import md/new/*internalc0* 2>import3.err
ok "importing it while it still fails is a duplicate" \
    grep -q '1 messages: 0 new reports, 1 duplicates, 0 quarantined' import3.err
is "... and it stays quarantined with that reason" \
    "$(q "SELECT status, reason FROM messages WHERE id = $IDC")" \
    "quarantined|$REASON"
limit 64
"$AC" -c ac.ini quarantine retry "$IDC" >retry5.out
is "with the limit raised it parses" "$(cat retry5.out)" \
    "$IDC: parsed: 1 new report"
is "and confirms alpha's case" \
    "$(q "SELECT confidence FROM cases WHERE customer = 'cust-alpha'")" \
    confirmed

# 5. kill -9 after a commit: 300 messages, killed once the first has
# been committed and said so, and before the end (pipestop.py: the
# retry is stuck writing to a full pipe).  The rerun finishes them,
# each once.
limit 2
N=300
mkreport internal 192.0.2.5 13:00 'many' $N k
"$AC" -c ac.ini collect
is "$N quarantined" \
    "$(q "SELECT count(*) FROM messages WHERE status = 'quarantined'")" $N
BEFORE=$(q "SELECT count(*) FROM reports")
limit 64
"$PY" "$LIBDIR/pipestop.py" 1 "$AC" -c ac.ini quarantine retry >killed.out
is "the retry was killed -9 after its first commit, before its end" "$?" 0
ok "its first line came after a commit" \
    grep -q '^[0-9]*: parsed: 1 new report$' killed.out
DONE=$(q "SELECT count(*) FROM messages WHERE status = 'parsed' AND
    id IN (SELECT message FROM reports WHERE subject = 'many')")
ok "killed part way: 1 <= $DONE < $N done" \
    test "$DONE" -ge 1 -a "$DONE" -lt $N
is "what was committed is whole: a report per parsed message" \
    "$(q "SELECT count(*) FROM reports WHERE subject = 'many'")" "$DONE"
"$AC" -c ac.ini quarantine retry >rerun.out
is "the rerun exits 0" "$?" 0
is "the rerun parses the rest" "$(grep -c ': parsed: 1 new report$' rerun.out)" \
    $((N - DONE))
is "every message once, each with one report" \
    "$(q "SELECT count(*), count(DISTINCT r.message) FROM reports r
    JOIN messages m ON m.id = r.message WHERE r.subject = 'many'
    AND m.status = 'parsed'")" "$N|$N"
is "reports in all" "$(q "SELECT count(*) FROM reports")" $((BEFORE + N))
is "the quarantine is empty" \
    "$(q "SELECT count(*) FROM messages WHERE status = 'quarantined'")" 0
is "alpha's case counts each once" \
    "$(q "SELECT internal_reports FROM cases WHERE customer = 'cust-alpha'")" \
    $((N + 1))
is "each event once" \
    "$(q "SELECT kind || ' ' || customer || ' ' || count(*) FROM events
    GROUP BY kind, customer ORDER BY 1")" \
    "case.confirmed cust-alpha 1
case.opened cust-alpha 1
case.opened cust-beta 1"
"$AC" -c ac.ini quarantine retry >rerun2.out
ok "a further retry has nothing to do" test ! -s rerun2.out
done_testing
