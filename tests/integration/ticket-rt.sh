#!/bin/sh
# Tickets in a real Request Tracker 5 on 127.0.0.1: one ticket per
# confirmed case with the case key in its custom field and the evidence
# in its text; an escalation and a dismissal that unconfirms become
# comments on it (and resolve it); reruns, re-imports, lost ticket ids
# and kill -9 of deliver never make a second ticket.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
. "$top_srcdir/tests/lib/rt.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"
# The store while deliver writes to it: wait for its lock.
qw() { sqlite3 -cmd ".timeout 10000" "$T/var/abuse.db" "$@"; }

base_config
start_rt || { echo "Bail out! RT did not start"; exit 1; }
secret_file "$T/rt.token" "$RT_TOKEN"
cat >>"$T/ac.ini" <<EOT
[cases]
escalate_external = 2 in 1h
[ticket rt]
type = rt
url = $RT_URL/        ; REST2 is under /REST/2.0
allow_plaintext = yes
token_file = rt.token
queue = Abuse
case_field = Case
events = case.confirmed, case.escalated
resolve_on_unconfirmed = yes
retry_base = 1s
timeout = 10s
EOT
cd "$T" || exit 1
ok "check-config accepts the ticket target" "$AC" -c ac.ini check-config
"$AC" -c ac.ini check-config >cc.out 2>&1
ok "... and shows where the token is, not the token" sh -c \
    '! grep -q "$0" cc.out && grep -q "^token_file = .*rt.token" cc.out' \
    "$RT_TOKEN"

# alpha: internal and external (confirmed); beta internal only.
mkreport internal 192.0.2.10 10:00 'Cheap pills' 2 a
mkreport external 192.0.2.10 10:30 'Cheap pills' 1 b
mkreport internal 192.0.2.20 09:00 'Only internal' 2 c
ok "collect" "$AC" -c ac.ini collect
KEY=$("$PY" -c 'import hashlib, sys
print("ac-" + hashlib.sha256(b"case\0cust-alpha\0" + sys.argv[1].encode()).hexdigest()[:32])' "$DAY")

"$AC" -c ac.ini --dry-run deliver >dry.out 2>dry.err
is "deliver --dry-run exits 0" "$?" 0
ok "... prints the search and the create, not the token" sh -c \
    'grep -q "^GET $0/REST/2.0/tickets?query=" dry.out &&
    grep -q "^POST $0/REST/2.0/ticket\$" dry.out &&
    grep -q "\"CustomFields\":{\"Case\":\"$1\"}" dry.out &&
    ! grep -q "$2" dry.out dry.err' "$RT_URL" "$KEY" "$RT_TOKEN"
is "... and sends nothing" "$(rt_count "$KEY")" 0

ok "deliver" "$AC" -c ac.ini deliver
is "one ticket holds alpha's case key" "$(rt_count "$KEY")" 1
ID=$(q "SELECT ticket_id FROM case_tickets WHERE customer = 'cust-alpha'")
ok "the store has its id" test -n "$ID"
is "no ticket for beta (not confirmed)" \
    "$(q "SELECT count(*) FROM case_tickets WHERE customer = 'cust-beta'")" 0
rt GET "ticket/$ID" >t.json
is "its subject names the customer and day" \
    "$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["Subject"])' t.json)" \
    "Abuse: cust-alpha on $DAY (confirmed)"
rt GET "ticket/$ID/attachments?fields=Content" >a.json
ok "its text has the evidence: each report with its source address" sh -c \
    '"$0" -c "import json, sys
c = json.load(open(\"a.json\"))[\"items\"][0][\"Content\"]
assert c.count(\"192.0.2.10\") == 3, c
assert \"Cheap pills\" in c and \"Case key: $1\" in c, c"' "$PY" "$KEY"
ok "cases shows the ticket" sh -c \
    '"$0" -c ac.ini cases | tr -d "\r" |
    grep -q "^$1,cust-alpha,confirmed,.*,$2,,\$"' \
    "$AC" "$DAY" "$ID"
ok "report" "$AC" -c ac.ini report --date "$DAY"
ok "the summary CSV has the ticket and its link" grep -q \
    ",$ID,$RT_URL/Ticket/Display.html?id=$ID" "out/summary-$DAY.csv"
ok "the summary page links to it" grep -q \
    "<a class=\"ticket\" href=\"$RT_URL/Ticket/Display.html?id=$ID\">" \
    "out/summary-$DAY.html"

# A later external report escalates the case: one comment.
mkreport external 192.0.2.11 10:50 'Cheap pills' 1 d
ok "collect the escalation" "$AC" -c ac.ini collect
ok "deliver it" "$AC" -c ac.ini deliver
is "still one ticket" "$(rt_count "$KEY")" 1
is "with one comment" "$(rt_history "$ID" | grep -c '^Comment$')" 1

# Rerun, re-import: nothing new.
ok "deliver again" "$AC" -c ac.ini deliver
ok "re-import the reports" "$AC" -c ac.ini import md
ok "and deliver" "$AC" -c ac.ini deliver
is "no new ticket, no new comment" \
    "$(rt_count "$KEY") $(rt_history "$ID" | grep -c '^Comment$')" "1 1"

# The store loses the ticket ids, and the creating event is due again
# (as after a kill -9 between the create and the commit): the search
# finds the ticket.
q "DELETE FROM case_tickets; UPDATE outbox SET delivered_at = NULL
    WHERE kind = 'case.confirmed'"
ok "deliver with the ids lost" "$AC" -c ac.ini deliver
is "still one ticket" "$(rt_count "$KEY")" 1
is "and the store has its id again" \
    "$(q "SELECT ticket_id FROM case_tickets WHERE customer = 'cust-alpha'")" \
    "$ID"

# Dismissing both external reports unconfirms the case: a comment that
# says so, and the ticket is resolved.
X=$(q "SELECT group_concat(id, ' ') FROM reports WHERE role = 'external'
    AND customer = 'cust-alpha'")
ok "dismiss" "$AC" -c ac.ini dismiss $X --reason 'forwarded by mistake'
"$AC" -c ac.ini --dry-run deliver >dry.out 2>&1
ok "deliver --dry-run prints the comment and the status change" sh -c \
    'grep -q "^POST $0/REST/2.0/ticket/$1/comment\$" dry.out &&
    grep -q "^PUT $0/REST/2.0/ticket/$1\$" dry.out &&
    grep -q "^{\"Status\":\"resolved\"}\$" dry.out' "$RT_URL" "$ID"
ok "deliver the unconfirmation" "$AC" -c ac.ini deliver
rt GET "ticket/$ID" >t.json
is "the ticket is resolved" \
    "$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["Status"])' t.json)" \
    resolved
rt GET "ticket/$ID/attachments?fields=Content" >a.json
ok "its last comment says the case is no longer confirmed, and why" \
    sh -c '"$0" -c "import json
c = json.load(open(\"a.json\"))[\"items\"][-1][\"Content\"]
assert \"no longer confirmed\" in c and \"forwarded by mistake\" in c, c"' "$PY"
is "still one ticket" "$(rt_count "$KEY")" 1

# Restoring them confirms the case again: a comment, and the ticket the
# collector resolved is open again.
ok "restore" "$AC" -c ac.ini restore $X --reason 'was right after all'
ok "deliver the confirmation" "$AC" -c ac.ini deliver
rt GET "ticket/$ID" >t.json
is "the ticket is open again" \
    "$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["Status"])' t.json)" \
    open
is "after one more comment, on the same ticket" \
    "$(rt_count "$KEY") $(rt_history "$ID" | grep -c '^Comment$')" "1 4"
is "nothing waits, nothing is dead" \
    "$(q "SELECT count(*) FROM outbox WHERE target = 'ticket:rt'
    AND (delivered_at IS NULL OR dead = 1)")" 0

# kill -9 of deliver at any moment, again and again, with many cases
# due: every case ends with exactly one ticket.
n=0
for d in 3 4 5 6; do
	day=$(date -u -d "$d days ago" +%Y-%m-%d)
	for ip in 192.0.2.1 192.0.2.17 198.51.100.1; do
		n=$((n + 1))
		"$PY" "$LIBDIR/mkreports.py" md internal "$ip" \
		    "${day}T08:00:00Z" "s$n" 1 "i$n"
		"$PY" "$LIBDIR/mkreports.py" md external "$ip" \
		    "${day}T09:00:00Z" "s$n" 1 "x$n"
	done
done
ok "collect 12 more confirmed cases" "$AC" -c ac.ini collect
kills=0
r=0
while [ $r -lt 12 ] && [ "$(qw "SELECT count(*) FROM outbox
    WHERE target = 'ticket:rt' AND delivered_at IS NULL")" != 0 ]; do
	# Kill once RT has made 1 to 3 more tickets or comments, or the
	# store has recorded 1 to 3 more, whichever comes first.
	base=$(qw "SELECT count(*) FROM case_tickets")
	want=$((base + $(od -An -N1 -tu1 /dev/urandom) % 3 + 1))
	"$AC" -c ac.ini -q deliver >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ "$(qw "SELECT count(*) FROM case_tickets")" -lt "$want" ] &&
	    kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	[ $i -lt 600 ] || echo "# deliver recorded no ticket for 12 s"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
	r=$((r + 1))
done
ok "killed deliver at least twice ($kills times)" test "$kills" -ge 2
# A create that a killed deliver sent may still be under way in RT (its
# workers go on without the client): such a case waits up to twice the
# timeout (20 s) before its ticket is searched for again.  Deliver until
# nothing waits, for 90 s at most.
"$AC" -c ac.ini -q deliver >/dev/null 2>&1
rc=$?
ok "a last deliver, not killed, exits 0, or 75 while a create is in doubt ($rc)" \
    test "$rc" = 0 -o "$rc" = 75
echo "# creates in doubt after the kills: $(qw "SELECT count(*) FROM
    case_tickets WHERE ticket_id = 0")"
t0=$(date +%s)
while [ "$(qw "SELECT count(*) FROM outbox WHERE target = 'ticket:rt'
    AND delivered_at IS NULL AND dead = 0")" != 0 ] &&
    [ $(($(date +%s) - t0)) -lt 90 ]; do
	sleep 1
	"$AC" -c ac.ini -q deliver >/dev/null 2>&1
done
is "nothing waits after the kills" "$(qw "SELECT count(*) FROM outbox
    WHERE target = 'ticket:rt' AND delivered_at IS NULL")" 0
ok "then a deliver exits 0" "$AC" -c ac.ini deliver
is "every case has one ticket id in the store" \
    "$(q "SELECT count(*), count(DISTINCT ticket_id) FROM case_tickets")" \
    "13|13"
bad=0
for k in $(q "SELECT case_key FROM case_tickets"); do
	c=$(rt_count "$k")
	[ "$c" = 1 ] || { echo "# $k: $c tickets"; bad=$((bad + 1)); }
done
is "RT has exactly one ticket per case key" "$bad" 0
is "and no other ticket" \
    "$(rt GET "tickets?query=Queue%20%3D%20'Abuse'" |
    "$PY" -c 'import json, sys; print(json.load(sys.stdin)["total"])')" 13
is "the store is sound" "$(q "PRAGMA integrity_check")" ok

# RT answers 201 to a create whose custom field it did not set (here:
# a field that does not exist): the ticket is read back, and the
# delivery is a dead letter that says so.
sed 's/^\[ticket rt\]/[ticket bad]/; s/^case_field = Case/case_field = Nope/' \
    ac.ini >bad.ini
chmod 600 bad.ini
"$PY" "$LIBDIR/mkreports.py" md internal 203.0.113.1 \
    "$(date -u -d '8 days ago' +%Y-%m-%d)T08:00:00Z" "bad" 1 ib
"$PY" "$LIBDIR/mkreports.py" md external 203.0.113.1 \
    "$(date -u -d '8 days ago' +%Y-%m-%d)T09:00:00Z" "bad" 1 xb
ok "collect a case for the misconfigured target" "$AC" -c bad.ini collect
"$AC" -c bad.ini deliver >bad.out 2>&1
is "deliver says a delivery failed" "$?" 75
is "a dead letter" "$(q "SELECT count(*) FROM outbox
    WHERE target = 'ticket:bad' AND dead = 1")" 1
ok "that names the field RT did not set" grep -q \
    "ticket [0-9]* was created, but RT did not set its custom field 'Nope'" \
    bad.out
ok "the token is in no log" sh -c '! grep -q "$0" bad.out' "$RT_TOKEN"

# RT not reachable: retried later, not a dead letter.
sed "s|^url = .*|url = http://127.0.0.1:$(free_port)|" bad.ini >down.ini
chmod 600 down.ini
q "UPDATE outbox SET dead = 0, attempts = 0, next_attempt = 0
    WHERE target = 'ticket:bad'"
"$AC" -c down.ini deliver >down.out 2>&1
is "deliver says a delivery failed" "$?" 75
is "the event waits for a retry" "$(q "SELECT attempts, dead,
    next_attempt > strftime('%s', 'now') FROM outbox
    WHERE target = 'ticket:bad'")" "1|0|1"

# per = customer: one ticket for the customer's cases of several days,
# in a store of its own.
sed 's|^path = var/abuse.db|path = var/cust.db|; s/^\[ticket rt\]/[ticket cust]/;
    s/^events = .*/per = customer/' ac.ini >cust.ini
chmod 600 cust.ini
mkdir md2 md2/new md2/cur md2/tmp
sed -i 's|^path = md$|path = md2|' cust.ini
for d in 10 11; do
	day=$(date -u -d "$d days ago" +%Y-%m-%d)
	"$PY" "$LIBDIR/mkreports.py" md2 internal 203.0.113.20 \
	    "${day}T08:00:00Z" "eps $d" 1 "ie$d"
	"$PY" "$LIBDIR/mkreports.py" md2 external 203.0.113.20 \
	    "${day}T09:00:00Z" "eps $d" 1 "xe$d"
done
ok "collect two days of cust-eps" "$AC" -c cust.ini collect
ok "deliver them" "$AC" -c cust.ini deliver
CKEY=$("$PY" -c 'import hashlib
print("ac-" + hashlib.sha256(b"customer\0cust-eps\0").hexdigest()[:32])')
is "one ticket for the customer" "$(rt_count "$CKEY")" 1
CID=$(sqlite3 var/cust.db "SELECT DISTINCT ticket_id FROM case_tickets")
is "both cases name it" "$(sqlite3 var/cust.db "SELECT count(*),
    count(DISTINCT ticket_id) FROM case_tickets")" "2|1"
is "the second case is a comment on it" \
    "$(rt_history "$CID" | grep -c '^Comment$')" 1
done_testing
