#!/bin/sh
# Webhook failures against a real HTTP receiver that fails on purpose:
# 5xx and 429 are retried with exponential backoff (and Retry-After), a
# stalled receiver times out and is retried, a 400 and max_attempts make
# dead letters that status and the summary show, and --retry-dead sends
# them again under the same key.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

base_config
start_hooksrv A || skip_all "webhook receiver did not start"
DOWN_PORT=$(free_port)
secret_file "$T/a.secret" k1
cat >>"$T/ac.ini" <<EOT
[webhook tickets]
url = http://127.0.0.1:$A_PORT/hook
allow_plaintext = yes
secret_file = a.secret
timeout = 1s
retry_base = 1s
retry_max = 8s
max_attempts = 4
[webhook down]
url = http://127.0.0.1:$DOWN_PORT/hook
allow_plaintext = yes
secret_file = a.secret
events = case.confirmed
timeout = 1s
retry_base = 1s
max_attempts = 2
EOT
cat >"$A_PLAN" <<'EOT'
{"by_customer": {
  "cust-alpha": ["500", "500", "200"],
  "cust-beta":  ["429:3", "200"],
  "cust-gamma": ["stall:4", "close", "200"],
  "cust-delta": ["400"],
  "cust-eps":   ["503"]}}
EOT
mkreport internal 192.0.2.10 10:00 'a' 1 a
mkreport external 192.0.2.10 10:05 'a' 1 b
mkreport internal 192.0.2.20 10:00 'b' 1 c
mkreport external 198.51.100.9 10:00 'g' 1 d
mkreport internal 203.0.113.5 10:00 'd' 1 e
mkreport internal 203.0.113.20 10:00 'e' 1 f
cd "$T" || exit 1
ok "collect" "$AC" -c ac.ini collect
is "7 rows queued" "$(q "SELECT count(*) FROM outbox")" 7

# Deliver until the queue is empty, noting after each pass what every
# failed row waits for: attempts, wait (next - last attempt), error.
KEYS="SELECT o.kind || ' ' || coalesce(e.customer, '') || ' ' || o.target"
: >"$T/waits"
first=""
end=$(( $(date +%s) + 90 ))
while [ "$(q "SELECT count(*) FROM outbox WHERE delivered_at IS NULL
    AND dead = 0")" != 0 ] && [ "$(date +%s)" -lt "$end" ]; do
	"$AC" -c ac.ini deliver >>"$T/deliver.log" 2>&1
	st=$?
	[ -z "$first" ] && first=$st
	q "SELECT coalesce(e.customer, '-') || '|' || o.target || '|' ||
	    o.attempts || '|' || (o.next_attempt - o.last_attempt_at) || '|' ||
	    coalesce(o.last_error, '') FROM outbox o LEFT JOIN events e
	    ON e.id = o.event WHERE o.attempts > 0 AND o.delivered_at IS NULL
	    AND o.dead = 0" >>"$T/waits"
	sleep 0.2
done
is "the first pass exits 75 (temporary failure)" "$first" 75
is "the queue drained" "$(q "SELECT count(*) FROM outbox
    WHERE delivered_at IS NULL AND dead = 0")" 0

is "delivered: alpha after 3 attempts, beta 2, gamma 3" \
    "$(q "SELECT e.customer || ':' || o.kind || ':' || o.attempts FROM outbox o
    JOIN events e ON e.id = o.event WHERE o.delivered_at IS NOT NULL
    ORDER BY e.customer, o.kind" | tr '\n' ' ')" \
    "cust-alpha:case.confirmed:3 cust-alpha:case.opened:3 cust-beta:case.opened:2 cust-gamma:case.opened:3 "
is "dead: delta at once on 400, eps after max_attempts, down after 2" \
    "$(q "SELECT e.customer || ':' || o.target || ':' || o.attempts || ':' ||
    o.last_error FROM outbox o JOIN events e ON e.id = o.event
    WHERE o.dead = 1 ORDER BY e.customer, o.target" | sed 's/:POST http:[^ ]*: Failed to connect.*/:connect/' |
    tr '\n' ';')" \
    "cust-alpha:webhook:down:2:connect;cust-delta:webhook:tickets:1:HTTP 400: refused: bad event;cust-eps:webhook:tickets:4:HTTP 503;"

# Backoff: retry_base 1s doubled per attempt, capped at 8s, the upper
# half random: after attempt n the wait is within [2^(n-1)/2, 2^(n-1)],
# at least 1s.  The wait is measured from the start of the attempt in
# whole seconds, so it may read one more.
ok "eps waited 1s after attempt 1" sh -c "grep '^cust-eps|webhook:tickets|1|' \
    '$T/waits' | cut -d'|' -f4 | sort -u | grep -qx '[12]'"
ok "eps waited 1-2s after attempt 2" sh -c "grep '^cust-eps|webhook:tickets|2|' \
    '$T/waits' | cut -d'|' -f4 | sort -u | grep -qx '[123]'"
ok "eps waited 2-4s after attempt 3" sh -c "grep '^cust-eps|webhook:tickets|3|' \
    '$T/waits' | cut -d'|' -f4 | sort -u | grep -qx '[2345]'"
ok "beta's 429 Retry-After: 3 outweighed the 1s backoff" sh -c \
    "grep '^cust-beta|' '$T/waits' | cut -d'|' -f3-5 | sort -u |
    grep -qx '1|[34]|HTTP 429'"
# The wait counts from the start of the attempt (in whole seconds): 1s
# of timeout, not the receiver's 4s stall, and 1s of backoff.
ok "gamma's stalled receiver timed out after the 1s timeout" sh -c \
    "grep '^cust-gamma|webhook:tickets|1|' '$T/waits' | sort -u |
    grep -qx 'cust-gamma|webhook:tickets|1|[23]|POST http://127.0.0.1:[0-9]*/[a-z]*: no answer within 1000 ms'"
ok "gamma's dropped connection was retried" \
    grep -q '^cust-gamma|webhook:tickets|2|' "$T/waits"
GAPS=$("$PY" "$LIBDIR/hookcheck.py" gaps "$A_LOG" "$(q "SELECT
    idempotency_key FROM outbox o JOIN events e ON e.id = o.event
    WHERE e.customer = 'cust-beta'")")
ok "the receiver saw beta again no sooner than 2s later ($GAPS)" \
    "$PY" -c "import sys; sys.exit(not float('$GAPS') >= 2.0)"

is "no body changed between attempts, no event came under two keys" \
    "$("$PY" "$LIBDIR/hookcheck.py" keys "$A_LOG")" \
    "events 6 keys 6 requests 16"
ok "deliver logged the retries with the next time" \
    grep -q 'warning: webhook:tickets: case.opened .*: HTTP 500; attempt 1 of 4, next at ' \
    "$T/deliver.log"
ok "deliver logged the dead letter" \
    grep -q 'webhook:tickets: case.opened .*: HTTP 400: refused: bad event; kept as a dead letter after 1 attempt$' \
    "$T/deliver.log"

"$AC" -c ac.ini status >"$T/status.out"
ok "status counts the dead letters" grep -qx \
    'outbox: 0 waiting, 3 dead letters' "$T/status.out"
ok "report" "$AC" -c ac.ini report --date "$DAY"
DELTA_KEY=$(q "SELECT idempotency_key FROM outbox o JOIN events e
    ON e.id = o.event WHERE e.customer = 'cust-delta'")
ok "the summary lists the dead letters" "$PY" -c 'import sys
html = open(sys.argv[1]).read()
dead = html[html.index("id=\"dead\""):html.index("id=\"health\"")]
sys.exit(not (sys.argv[2] in dead and "HTTP 400: refused: bad event" in dead
    and dead.count("<tr><td") == 3))' "$T/out/summary-$DAY.html" "$DELTA_KEY"

# The receiver is fixed; the dead letters go again, under their keys.
echo '{"default": ["200"]}' >"$A_PLAN"
"$AC" -c ac.ini deliver --retry-dead >"$T/retry.out" 2>&1
is "deliver --retry-dead still fails for the endpoint that is down" "$?" 75
is "the tickets dead letters are delivered now" \
    "$(q "SELECT count(*) FROM outbox WHERE target = 'webhook:tickets'
    AND delivered_at IS NOT NULL")" 6
is "a requeued row starts its attempts again" \
    "$(q "SELECT attempts FROM outbox WHERE idempotency_key = '$DELTA_KEY'")" 1
is "they came under the keys they had" \
    "$("$PY" "$LIBDIR/hookcheck.py" keys "$A_LOG")" \
    "events 6 keys 6 requests 18"
sleep 1.2
"$AC" -c ac.ini deliver >/dev/null 2>&1
"$AC" -c ac.ini status >"$T/status.out"
ok "only the unreachable endpoint's row is dead again" grep -qx \
    'outbox: 0 waiting, 1 dead letters' "$T/status.out"
done_testing
