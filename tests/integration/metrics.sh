#!/bin/sh
# [metrics] textfile: written at the end of each collect, whole or not at
# all, it passes `promtool check metrics` and its counts are the store's
# (checked here with independent queries); a run killed before its end
# leaves the previous file as it was.  status --json gives the same
# facts.
. "$top_srcdir/tests/lib/lib.sh"
command -v promtool >/dev/null ||
    skip_all "promtool is needed to check the metrics file: apt-get install prometheus"
command -v sqlite3 >/dev/null || skip_all "sqlite3 (the command) is needed"
q() { sqlite3 "$T/abuse.db" "$1"; }
P="$T/prom/abuse_collector.prom"
# The value of one series, as written: m 'messages{source="box",...}'.
m() { awk -v k="abuse_collector_$1" '$1 == k { print $2 }' "$P"; }
# A value from status --json: j EXPRESSION over the object d.
j() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$T/status.json" "$1"
}

today=$(date -u +%F)
python3 "$top_srcdir/tests/lib/genmail.py" --maildir "$T/box" --count 300 \
    --seed 5 --day "$today" >/dev/null
# One message that is no report of any kind the parsers know: it goes to
# quarantine with its raw bytes.
printf 'From: a@b.example\nSubject: x\nContent-Type: message/feedback-report\n\nnothing\n' \
    >"$T/box/new/1700999999.M1P1.bad"
# Each generated customer's login, so that the cases have customers.
{
	echo "auth_user,customer"
	i=1000
	while [ $i -lt 1050 ]; do
		echo "user$i@hosted$((i % 97)).example,cust-$i"
		i=$((i + 1))
	done
} >"$T/users.csv"
DOWN_PORT=$(free_port)
secret_file "$T/hook.secret" k1
mkdir "$T/prom"
cat >"$T/ac.ini" <<X
[store]
path = $T/abuse.db
[source box]
type = maildir
path = box
[source gone]
type = maildir
path = nothing-here
[resolver]
order = header
identity_headers = X-AuthUser
trusted_hosts = smtp1.example.net, smtp2.example.net, 192.0.2.24/29, filter1.mailguard.example.org
users_file = users.csv
[webhook dead]
url = http://127.0.0.1:$DOWN_PORT/hook
allow_plaintext = yes
secret_file = hook.secret
events = case.opened
timeout = 1s
max_attempts = 1
[webhook later]
url = http://127.0.0.1:$DOWN_PORT/hook
allow_plaintext = yes
secret_file = hook.secret
events = case.confirmed
timeout = 1s
retry_base = 1h
max_attempts = 5
[metrics]
textfile = prom/abuse_collector.prom
X

"$AC" -c "$T/ac.ini" collect >"$T/c1.out" 2>&1
is "a collect with a source missing: exit 75" "$?" 75
ok "the metrics file is written" test -f "$P"
ok "with mode 0644, for node_exporter" test "$(stat -c %a "$P")" = 644
"$AC" -c "$T/ac.ini" deliver >"$T/d.out" 2>&1
"$AC" -c "$T/ac.ini" collect >"$T/c2.out" 2>&1
is "the next collect: exit 75" "$?" 75
promtool check metrics <"$P" >"$T/promtool.out" 2>&1
is "promtool check metrics accepts it" "$?" 0
sed 's/^/# promtool: /' "$T/promtool.out"
ok "every name has the prefix, with HELP and TYPE" sh -c "
    ! grep -v '^# ' '$P' | grep -qv '^abuse_collector_' &&
    test \$(grep -c '^# HELP abuse_collector_' '$P') -eq \
    \$(grep -c '^# TYPE abuse_collector_[a-z_]* gauge$' '$P')"

# The counts, against the store.
for st in parsed quarantined ignored; do
	is "messages of box, $st" "$(m "messages{source=\"box\",status=\"$st\"}")" \
	    "$(q "SELECT count(*) FROM messages WHERE source = 'box'
	    AND status = '$st'")"
done
is "messages in all equal the store's" \
    "$(grep '^abuse_collector_messages{' "$P" | awk '{ n += $2 } END { print n }')" \
    "$(q "SELECT count(*) FROM messages")"
q "SELECT format, role, count(*) FROM reports GROUP BY 1, 2" |
while IFS='|' read -r f r n; do
	echo "$f $r $n $(m "reports{format=\"$f\",role=\"$r\"}")"
done >"$T/reports"
ok "reports by format and role equal the store's" \
    awk '$3 != $4 { print; bad = 1 } END { exit bad || NR == 0 }' "$T/reports"
for c in confirmed internal external; do
	is "today's cases, $c" "$(m "cases_today{confidence=\"$c\"}")" \
	    "$(q "SELECT count(*) FROM cases WHERE day = '$today'
	    AND confidence = '$c' AND customer <> '(unresolved)'")"
done
ok "there are confirmed cases today" test "$(m 'cases_today{confidence="confirmed"}')" -gt 0
for t in dead later; do
	is "outbox waiting for $t" "$(m "outbox_waiting{target=\"webhook:$t\"}")" \
	    "$(q "SELECT count(*) FROM outbox WHERE target = 'webhook:$t'
	    AND delivered_at IS NULL AND dead = 0")"
	is "dead letters of $t" \
	    "$(m "outbox_dead_letters{target=\"webhook:$t\"}")" \
	    "$(q "SELECT count(*) FROM outbox WHERE target = 'webhook:$t'
	    AND dead = 1")"
done
# status lists the newest 20 dead letters and counts the others: on a
# copy of the store with 25 more.
q ".backup '$T/many.db'"
sqlite3 "$T/many.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL
    SELECT i + 1 FROM n WHERE i < 25)
    INSERT INTO outbox (target, idempotency_key, payload, created_at,
    attempts, next_attempt, last_error, dead, kind)
    SELECT 'webhook:dead', 'many-' || i,
    json_object('case', json_object('customer', 'c' || i, 'day', '$today')),
    1700000000 + i, 1, 0, 'refused ' || i, 1, 'case.opened' FROM n"
sed "s|^path = $T/abuse.db\$|path = $T/many.db|" "$T/ac.ini" >"$T/many.ini"
"$AC" -c "$T/many.ini" status >"$T/status.txt" 2>&1
dead=$(sqlite3 "$T/many.db" "SELECT count(*) FROM outbox WHERE dead = 1")
is "status lists the newest 20 dead letters and counts the others" \
    "$(grep -c '^dead letter ' "$T/status.txt")|$(sed -n 's/^\.\.\. and \([0-9]*\) older dead letters .*/\1/p' "$T/status.txt")" \
    "20|$((dead - 20))"
is "the newest first, each with its customer, day and error" \
    "$(grep -A1 '^dead letter ' "$T/status.txt" | head -2)" \
    "dead letter webhook:dead case.opened c25 $today (queued 2023-11-14T22:13:45Z, 1 attempt):
  refused 25"
ok "some are dead, some wait" test "$(m 'outbox_dead_letters{target="webhook:dead"}')" -gt 0 -a \
    "$(m 'outbox_waiting{target="webhook:later"}')" -gt 0
is "quarantine count" "$(m quarantine_messages)" \
    "$(q "SELECT count(*) FROM messages WHERE status = 'quarantined'")"
is "quarantine bytes" "$(m quarantine_bytes)" \
    "$(q "SELECT sum(size) FROM messages WHERE status = 'quarantined'")"
is "one quarantined" "$(m quarantine_messages)" 1
is "the missing source failed twice in a row" \
    "$(m 'source_consecutive_failures{source="gone"}')" \
    "$(q "SELECT failures FROM source_health WHERE source = 'gone'")"
is "that is 2" "$(m 'source_consecutive_failures{source="gone"}')" 2
is "box went through" "$(m 'source_consecutive_failures{source="box"}')" 0
is "box's newest message" \
    "$(m 'source_newest_message_timestamp_seconds{source="box"}')" \
    "$(q "SELECT max(last_at) FROM source_seen WHERE source = 'box'")"
ok "its age is small" test "$(m 'source_newest_message_age_seconds{source="box"}')" -lt 600
ok "gone never had one: no age" sh -c \
    "! grep -q 'newest_message_age_seconds{source=\"gone\"}' '$P'"
is "the last run, as recorded" \
    "$(m 'last_run_timestamp_seconds{command="collect"}') $(m 'last_run_exit_status{command="collect"}')" \
    "$(q "SELECT started_at || ' ' || status FROM runs ORDER BY id DESC LIMIT 1")"

# check-config, without the source that is missing on purpose.
awk '/^\[source gone\]$/ { skip = 3 } skip > 0 { skip--; next } { print }' \
    "$T/ac.ini" >"$T/check.ini"
"$AC" -c "$T/check.ini" check-config >"$T/config.out" 2>&1
ok "check-config shows the metrics file" grep -qx \
    "textfile = $T/prom/abuse_collector.prom" "$T/config.out"

# status --json: the same facts.
"$AC" -c "$T/ac.ini" status --json >"$T/status.json" 2>"$T/status.err"
is "status --json: exit 0" "$?" 0
ok "it is one JSON object" python3 -m json.tool "$T/status.json"
is "its messages are the store's" \
    "$(j "sum(r['parsed'] + r['quarantined'] + r['ignored'] for r in d['messages'])")" \
    "$(q "SELECT count(*) FROM messages")"
is "its reports are the store's" \
    "$(j "sum(r['internal'] + r['external'] for r in d['reports'])")" \
    "$(q "SELECT count(*) FROM reports")"
is "its cases of today" \
    "$(j "(d['cases_today']['day'], d['cases_today']['confirmed'])")" \
    "('$today', $(q "SELECT count(*) FROM cases WHERE day = '$today'
    AND confidence = 'confirmed' AND customer <> '(unresolved)'"))"
is "its dead letters" \
    "$(j "[r['dead_letters'] for r in d['outbox'] if r['target'] == 'webhook:dead'][0]")" \
    "$(q "SELECT count(*) FROM outbox WHERE dead = 1
    AND target = 'webhook:dead'")"
is "its quarantine" "$(j "d['quarantine']['bytes']")" \
    "$(q "SELECT sum(size) FROM messages WHERE status = 'quarantined'")"
is "its sources" \
    "$(j "[(s['source'], s['consecutive_failures'], s['newest_message_at'] is None) for s in d['sources']]")" \
    "[('box', 0, False), ('gone', 2, True)]"
is "its last run" "$(j "d['last_run']['exit_status']")" 75

# A run killed before its end leaves the previous file as it was.
cp "$P" "$T/before.prom"
python3 "$top_srcdir/tests/lib/genmail.py" --maildir "$T/box" --count 3000 \
    --seed 6 --day "$today" >/dev/null
had=$(q "SELECT count(*) FROM messages")
"$AC" -c "$T/ac.ini" collect >"$T/c3.out" 2>&1 &
acpid=$!
i=0
while [ "$(q "SELECT count(*) FROM messages" 2>/dev/null || echo 0)" -le "$had" ]; do
	i=$((i + 1))
	if [ $i -gt 1200 ] || ! kill -0 $acpid 2>/dev/null; then
		echo "Bail out! the collect stored no new message within 60 s"
		kill -9 $acpid 2>/dev/null
		exit 1
	fi
	sleep 0.05
done
kill -9 $acpid
{ wait $acpid; } 2>/dev/null
is "the collect was killed" "$?" 137
ok "the metrics file is the one before" cmp "$P" "$T/before.prom"
"$AC" -c "$T/ac.ini" collect >"$T/c4.out" 2>&1
ok "the next run writes it again" sh -c "! cmp -s '$P' '$T/before.prom'"
is "with every message" \
    "$(grep '^abuse_collector_messages{' "$P" | awk '{ n += $2 } END { print n }')" \
    "$(q "SELECT count(*) FROM messages")"
is "and counts the killed run as interrupted" \
    "$(grep '^abuse_collector_runs_interrupted ' "$P")" \
    "abuse_collector_runs_interrupted 1"
is "status --json says so too" "$("$AC" -c "$T/ac.ini" status --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["runs_interrupted"])')" 1
ok "only it ends in .prom in its directory" test \
    "$(ls "$T/prom" | grep -c '\.prom$')" -eq 1

# deliver changes the outbox: it writes the file too, a dry run does not.
rm -f "$P"
"$AC" -c "$T/ac.ini" -n deliver >/dev/null 2>&1
ok "a dry-run deliver writes no metrics file" test ! -e "$P"
"$AC" -c "$T/ac.ini" deliver --retry-dead >"$T/d1.out" 2>&1
ok "deliver --retry-dead writes it" test -f "$P"
is "with the dead letters as they are after it" \
    "$(m 'outbox_dead_letters{target="webhook:dead"}')" \
    "$(q "SELECT count(*) FROM outbox WHERE target = 'webhook:dead'
    AND dead = 1")"
ok "promtool check metrics still accepts it" promtool check metrics <"$P"

# A file that cannot be written fails the run, named.
sed 's|^textfile = .*|textfile = no-such-dir/x.prom|' "$T/ac.ini" >"$T/bad.ini"
"$AC" -c "$T/bad.ini" collect >"$T/c5.out" 2>&1
is "a metrics file in a missing directory: 78" "$?" 78
ok "the error names it" grep -q "metrics.*no-such-dir/x.prom" "$T/c5.out"
done_testing
