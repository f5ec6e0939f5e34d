#!/bin/sh
# Local actions ([action NAME]) through the outbox: the program gets the
# event's JSON and the ABUSE_* variables; kill -9 of deliver in the
# middle of an action runs it again under the same ABUSE_DELIVERY; exit
# 75 is retried, and holds back the customer's later events; exit 1 is a
# dead letter with the program's stderr, queued again by --retry-dead.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"
command -v mkfifo >/dev/null 2>&1 || skip_all "mkfifo not installed"

base_config
cd "$T" || exit 1
mkfifo "$T/gate"
# The action: records each run (event, customer, day, key, users) and
# its input, then does what plan.CUSTOMER says: ok, hold (say so in
# $T/held, then wait on the FIFO), retry (75) or fail (1).
cat >"$T/act" <<EOT
#!/bin/sh
d='$T'
in=\$(cat)
users=\$(printf '%s' "\$ABUSE_USERS" | tr '\n' ,)
echo "\$ABUSE_EVENT \$ABUSE_CUSTOMER \$ABUSE_DAY \$ABUSE_DELIVERY \$users" >>"\$d/calls"
printf '%s\n' "\$in" >"\$d/in.\$ABUSE_DELIVERY"
sed -z 's/=.*//' /proc/\$\$/environ | tr '\0' '\n' | sort | tr '\n' ' ' >"\$d/env.\$ABUSE_DELIVERY"
case \$(cat "\$d/plan.\$ABUSE_CUSTOMER" 2>/dev/null) in
hold)	echo \$\$ >"\$d/held"; read x <"\$d/gate"; exit 0 ;;
retry)	echo 'map is locked, try later' >&2; exit 75 ;;
fail)	printf 'no such user \001\033[1m%s\n' "\$ABUSE_CUSTOMER" >&2; exit 1 ;;
esac
exit 0
EOT
chmod 755 "$T/act"
# The filter's hop is ours: its message's X-AuthUser names the user.
sed -i 's/^networks_file = nets.csv$/&\ntrusted_hosts = filter1.example.net/' \
    "$T/ac.ini"
cat >>"$T/ac.ini" <<EOT
[cases]
escalate_internal = 2 in 1h
[action lock]
command = $T/act
events = case.escalated
timeout = 20s
retry_base = 1s
EOT

# check-config names the line of a command that cannot be run.
cp ac.ini bad.ini
printf '%s\n' '[action bad]' 'command = nets.csv' 'events = case.escalated' \
    '[action bad2]' "command = $T/nets.csv" 'events = case.escalated' \
    '[action bad3]' "command = $T/act" 'events = summary.daily' >>bad.ini
"$AC" -c bad.ini check-config >check.out 2>&1
is "check-config refuses bad actions" "$?" 78
L=$(grep -n '^command = nets.csv' bad.ini | cut -d: -f1)
ok "a relative command, at its line" \
    has_line "bad.ini:$L: \[action bad\] command: must be an absolute path" \
    check.out
ok "a command that is not executable" \
    has_line "bad.ini:$((L + 3)): \[action bad2\] command: .* is not executable" \
    check.out
ok "an event that is not a case's" \
    has_line "bad.ini:$((L + 7)): \[action bad3\] events: case events only" \
    check.out
ok "check-config takes the good one" "$AC" -c ac.ini check-config

# Escalated cases: alpha (two SMTP AUTH users), beta, and gamma on two
# days; delta below.
MKREPORTS_AUTH_USER=alice@alpha.example mkreport internal 192.0.2.10 10:00 a 2 a
MKREPORTS_AUTH_USER=carol@alpha.example mkreport internal 192.0.2.11 10:30 a 1 a2
MKREPORTS_AUTH_USER=bob mkreport internal 192.0.2.20 10:00 b 2 b
"$PY" "$LIBDIR/mkreports.py" md internal 198.51.100.1 "${PREV}T10:00:00Z" g 2 g1
"$PY" "$LIBDIR/mkreports.py" md internal 198.51.100.1 "${DAY}T10:00:00Z" g 2 g2
ok "collect" "$AC" -c ac.ini collect
is "an action row per escalated case" "$(q "SELECT count(*) FROM outbox
    WHERE target = 'action:lock' AND kind = 'case.escalated'")" 4

# A dry run says what it would run and runs nothing.
"$AC" -c ac.ini --dry-run deliver >dry.out 2>&1
ok "deliver --dry-run shows the program" has_line \
    "action lock: would run $T/act" dry.out
ok "with its environment" has_line "ABUSE_CUSTOMER=cust-alpha" dry.out
ok "and runs nothing" test ! -e calls

# 1. kill -9 while alpha's action runs.
echo hold >plan.cust-alpha
echo retry >plan.cust-gamma
"$AC" -c ac.ini deliver >deliver1.out 2>&1 &
pid=$!
i=0
until [ -s held ] || [ $i -gt 400 ]; do
	sleep 0.05
	i=$((i + 1))
done
ok "alpha's action started and waits" test -s held
kill -9 "$pid"
wait "$pid" 2>/dev/null
KEY=$(q "SELECT idempotency_key FROM outbox WHERE target = 'action:lock'
    AND payload LIKE '%\"customer\":\"cust-alpha\"%'")
apid=$(cat held)
i=0
while kill -0 "$apid" 2>/dev/null && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
ok "the action died with deliver" sh -c "! kill -0 $apid 2>/dev/null"
is "alpha's row is counted, not delivered, still due" \
    "$(q "SELECT attempts, delivered_at IS NULL, dead,
    next_attempt <= strftime('%s', 'now') FROM outbox
    WHERE idempotency_key = '$KEY'")" "1|1|0|1"
rm -f plan.cust-alpha held
"$AC" -c ac.ini deliver >deliver2.out 2>&1
is "deliver after the kill: 75, gamma waits" "$?" 75
is "alpha's action ran again with the same ABUSE_DELIVERY" \
    "$(grep -c "^case.escalated cust-alpha $DAY $KEY alice@alpha.example,carol@alpha.example\$" calls)" 2
ok "its input is the event's JSON, with the case's users" sh -c \
    "grep -q '\"auth_users\":\[\"alice@alpha.example\",\"carol@alpha.example\"\]' in.$KEY &&
    grep -q '\"id\":\"$KEY\"' in.$KEY"
is "its environment is the ABUSE_ variables, PATH and LANG, no more" \
    "$(cat env.$KEY)" "ABUSE_ACTION ABUSE_CUSTOMER ABUSE_DAY ABUSE_DELIVERY ABUSE_EVENT ABUSE_USERS ABUSE_USERS_SKIPPED LANG PATH "
is "beta's ran once" "$(grep -c "^case.escalated cust-beta $DAY [0-9a-f]* bob\$" calls)" 1

# 2. Exit 75: retried, and the customer's later event waits behind it.
G1=$(q "SELECT min(id) FROM outbox WHERE target = 'action:lock'
    AND payload LIKE '%\"customer\":\"cust-gamma\"%'")
G2=$(q "SELECT max(id) FROM outbox WHERE target = 'action:lock'
    AND payload LIKE '%\"customer\":\"cust-gamma\"%'")
# The rows' order is the events' (the days' cases may be settled in
# either order): G1 is the first.
K1=$(q "SELECT idempotency_key FROM outbox WHERE id = $G1")
K2=$(q "SELECT idempotency_key FROM outbox WHERE id = $G2")
N=$(grep -c " $K1 " calls)
is "gamma's second event did not run while its first waits" \
    "$(grep -c " $K2 " calls)" 0
is "the first waits for a retry with the program's words" \
    "$(q "SELECT attempts, dead, delivered_at IS NULL,
    last_error LIKE 'exited with status 75 (try again later); stderr: map is locked%'
    FROM outbox WHERE id = $G1")" "$N|0|1|1"
q "UPDATE outbox SET next_attempt = 0 WHERE id = $G1"
"$AC" -c ac.ini deliver >deliver3.out 2>&1
is "retried: 75 again" "$?" 75
is "the first ran once more, the second still waits" \
    "$(grep -c " $K1 " calls) $(grep -c " $K2 " calls)" "$((N + 1)) 0"
rm plan.cust-gamma
q "UPDATE outbox SET next_attempt = 0 WHERE id = $G1"
ok "deliver once the program succeeds" "$AC" -c ac.ini deliver
is "gamma's events ran in order, the first until it succeeded" \
    "$(grep ' cust-gamma ' calls | cut -d' ' -f4 | uniq -c |
    awk '{ printf "%s %s ", $1, $2 }')" "$((N + 2)) $K1 1 $K2 "

# 3. Exit 1: a dead letter with the program's stderr, shown by status
# and the summary; --retry-dead runs it again.
MKREPORTS_AUTH_USER=dave mkreport internal 203.0.113.1 11:00 d 2 d
echo fail >plan.cust-delta
ok "collect delta" "$AC" -c ac.ini collect
"$AC" -c ac.ini deliver >deliver4.out 2>&1
is "a failing action: deliver exits 75" "$?" 75
is "a dead letter with the exit status and stderr, controls blanked" \
    "$(q "SELECT dead, last_error FROM outbox WHERE target = 'action:lock'
    AND payload LIKE '%\"customer\":\"cust-delta\"%'")" \
    "1|exited with status 1; stderr: no such user   [1mcust-delta"
"$AC" -c ac.ini status >status.out 2>&1
ok "status counts it" has_line '1 dead letters' status.out
is "and lists it with the customer, the day and the program's stderr" \
    "$(grep -A1 '^dead letter ' status.out | sed 's/queued [^,]*,/queued T,/')" \
    "dead letter action:lock case.escalated cust-delta $DAY (queued T, 1 attempt):
  exited with status 1; stderr: no such user   [1mcust-delta"
ok "the summary shows it" sh -c "'$AC' -c ac.ini report --date $DAY --out sum &&
    grep -rq 'exited with status 1; stderr: no such user' sum"
rm plan.cust-delta
ok "deliver --retry-dead" "$AC" -c ac.ini deliver --retry-dead
is "delta's action ran again and is delivered" \
    "$(grep -c ' cust-delta ' calls) $(q "SELECT dead, delivered_at IS NOT NULL
    FROM outbox WHERE target = 'action:lock'
    AND payload LIKE '%\"customer\":\"cust-delta\"%'")" "2 0|1"
is "nothing waits" "$(q "SELECT count(*) FROM outbox
    WHERE delivered_at IS NULL")" 0
done_testing
