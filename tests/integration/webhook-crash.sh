#!/bin/sh
# Webhooks survive kill -9 in the middle of deliver: no event is lost,
# none is delivered under two keys, a repeated delivery carries the same
# key and body, and the store stays sound.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

base_config
start_hooksrv A || skip_all "webhook receiver did not start"
secret_file "$T/a.secret" k1
cat >>"$T/ac.ini" <<EOT
[webhook tickets]
url = http://127.0.0.1:$A_PORT/hook
allow_plaintext = yes
secret_file = a.secret
timeout = 10s
retry_base = 1s
EOT
cd "$T" || exit 1

# 1. Killed while the receiver holds the request: the receiver got the
# event, the collector never heard back.  The next deliver sends it
# again under the same key.
mkreport internal 192.0.2.10 10:00 'a' 1 a
mkreport internal 192.0.2.20 10:00 'b' 1 b
ok "collect" "$AC" -c ac.ini collect
echo '{"by_customer": {"cust-alpha": ["hold", "200"]}}' >"$A_PLAN"
"$AC" -c ac.ini deliver >/dev/null 2>&1 &
pid=$!
i=0
until grep -q '"action": "hold"' "$A_LOG" 2>/dev/null || [ $i -gt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
ok "the receiver holds alpha's event" grep -q '"action": "hold"' "$A_LOG"
kill -9 "$pid"
wait "$pid" 2>/dev/null
touch "$A_LOG.release"
HELD=$(q "SELECT idempotency_key FROM outbox o JOIN events e ON e.id =
    o.event WHERE e.customer = 'cust-alpha'")
is "after the kill the row is counted, not delivered, still due" \
    "$(q "SELECT attempts, delivered_at IS NULL, dead,
    next_attempt <= strftime('%s', 'now') FROM outbox
    WHERE idempotency_key = '$HELD'")" "1|1|0|1"
ok "deliver after the kill" "$AC" -c ac.ini deliver
is "alpha's event went again, same key, same body; beta's once" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" | cut -d' ' -f1-4,5 |
    sed "s/$HELD/HELD/" | sort | tr '\n' ';')" \
    "case.opened cust-alpha 1 hold HELD;case.opened cust-alpha 2 200 HELD;case.opened cust-beta 1 200 $(q "SELECT idempotency_key FROM outbox o JOIN events e ON e.id = o.event WHERE e.customer = 'cust-beta'");"
is "and its body did not change" \
    "$("$PY" "$LIBDIR/hookcheck.py" keys "$A_LOG")" \
    "events 2 keys 2 requests 3"

# 2. Killed at random points, again and again, with many events queued
# and a receiver that takes a little time per request.
: >"$A_LOG"
rm -f "$A_LOG.release"
echo '{"default": ["sleep:0.02"]}' >"$A_PLAN"
n=0
for d in 3 4 5 6 7 8; do
	day=$(date -u -d "$d days ago" +%Y-%m-%d)
	for ip in 192.0.2.1 192.0.2.17 198.51.100.1 203.0.113.1 \
	    203.0.113.17; do
		n=$((n + 1))
		"$PY" "$LIBDIR/mkreports.py" md internal "$ip" \
		    "${day}T08:00:00Z" "s$n" 1 "i$n"
		"$PY" "$LIBDIR/mkreports.py" md external "$ip" \
		    "${day}T09:00:00Z" "s$n" 1 "x$n"
	done
done
ok "collect 60 more events" "$AC" -c ac.ini collect
is "60 rows wait" "$(q "SELECT count(*) FROM outbox
    WHERE delivered_at IS NULL")" 60
kills=0
rounds=${AC_TEST_QUICK:+6}
rounds=${rounds:-15}
r=0
while [ $r -lt "$rounds" ] && [ "$(q "SELECT count(*) FROM outbox
    WHERE delivered_at IS NULL")" != 0 ]; do
	# Kill once the receiver has logged 1 to 4 more requests (it logs a
	# request before answering it), so that each deliver dies in the
	# middle of its work however slow the machine is.
	base=$(wc -l <"$A_LOG")
	want=$((base + $(od -An -N1 -tu1 /dev/urandom) % 4 + 1))
	"$AC" -c ac.ini deliver >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ "$(wc -l <"$A_LOG")" -lt "$want" ] &&
	    kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ $i -lt 600 ] ||
	    echo "# deliver logged no new request for 30 s (log has $(wc -l <"$A_LOG") lines, wanted $want)"
	if kill -9 "$pid" 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait "$pid" 2>/dev/null
	r=$((r + 1))
done
ok "killed deliver at least twice ($kills times)" test "$kills" -ge 2
ok "a last deliver, not killed" "$AC" -c ac.ini deliver
is "every event is delivered, none dead" \
    "$(q "SELECT count(*), sum(delivered_at IS NOT NULL), sum(dead)
    FROM outbox")" "62|62|0"
SEEN=$("$PY" "$LIBDIR/hookcheck.py" keys "$A_LOG")
is "each of the 60 events arrived under exactly one key, unchanged" \
    "$(echo "$SEEN" | sed 's/ requests.*//')" "events 60 keys 60"
REQ=$(echo "$SEEN" | sed 's/.* requests //')
ok "repeats ($((REQ - 60))) are at most one per kill ($kills)" \
    test "$((REQ - 60))" -le "$kills"
"$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" | cut -d' ' -f5 | sort -u \
    >"$T/got.keys"
q "SELECT idempotency_key FROM outbox o JOIN events e ON e.id = o.event
    WHERE e.day < '$PREV'" | sort >"$T/want.keys"
ok "the keys that arrived are the keys in the store" \
    cmp "$T/got.keys" "$T/want.keys"
is "the store is sound" "$(q "PRAGMA integrity_check")" ok
done_testing
