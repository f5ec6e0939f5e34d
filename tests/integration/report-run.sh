#!/bin/sh
# run, as cron calls it: collect, deliver, then the summaries of every
# finished day not reported yet, with summary.daily for the recent ones
# (not for a backfill), all delivered in the same run; a second run
# sends nothing again; a dry run sends and writes nothing.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

base_config
start_hooksrv D || skip_all "webhook receiver did not start"
start_hooksrv A || skip_all "webhook receiver did not start"
secret_file "$T/k.secret" k
cat >>"$T/ac.ini" <<EOT
[webhook daily]
url = http://127.0.0.1:$D_PORT/daily
allow_plaintext = yes
secret_file = k.secret
events = summary.daily
retry_base = 1s
[webhook all]
url = http://127.0.0.1:$A_PORT/all
allow_plaintext = yes
secret_file = k.secret
EOT
OLD=$(date -u -d '10 days ago' +%Y-%m-%d)
mkreport internal 192.0.2.10 10:00 'a' 2 a
mkreport external 192.0.2.10 11:00 'a' 1 b
mkreport internal 192.0.2.20 09:00 'b' 1 c
"$PY" "$LIBDIR/mkreports.py" "$T/md" external 198.51.100.7 \
    "${PREV}T09:00:00Z" 'g' 1 p
"$PY" "$LIBDIR/mkreports.py" "$T/md" internal 203.0.113.5 \
    "${OLD}T09:00:00Z" 'd' 1 o
cd "$T" || exit 1

"$AC" -c ac.ini -n run >"$T/dry.out" 2>&1
is "a dry run succeeds quietly" "$?:$(cat "$T/dry.out")" "0:"
is "and sends and writes nothing" \
    "$(cat "$D_LOG" "$A_LOG" | wc -l) $(ls out 2>/dev/null | wc -l)" "0 0"

echo '{"default": ["503", "200"]}' >"$D_PLAN"
"$AC" -c ac.ini run >"$T/run1.out" 2>&1
is "run exits 75 while the daily receiver answers 503" "$?" 75
for d in "$DAY" "$PREV" "$OLD"; do
	ok "run wrote the summaries of $d" test -s "out/summary-$d.html" -a \
	    -s "out/summary-$d.csv" -a -s "out/reports-$d.csv"
done
is "the case events went out in the same run" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" | grep '^case' |
    cut -d' ' -f1,2 | sort | tr '\n' ';')" \
    "case.confirmed cust-alpha;case.opened cust-alpha;case.opened cust-beta;case.opened cust-delta;case.opened cust-gamma;"
# Days are reported oldest first; after the 503 the receiver gets
# nothing more in that run.
is "summary.daily is tried for the day before; not for the backfill" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$D_LOG" | cut -d' ' -f1-4)" \
    "summary.daily $PREV 1 503"
is "yesterday's waits in the outbox, untried" \
    "$(q "SELECT json_extract(payload, '$.day'), attempts FROM outbox
    WHERE target = 'webhook:daily' ORDER BY id" | tr '\n' ' ')" \
    "$PREV|1 $DAY|0 "
sleep 1.1
"$AC" -c ac.ini run >"$T/run2.out" 2>&1
is "the next run delivers the day before, and tries yesterday" \
    "$?:$("$PY" "$LIBDIR/hookcheck.py" list "$D_LOG" | cut -d' ' -f1-4 |
    tail -n +2 | tr '\n' ';')" \
    "75:summary.daily $PREV 2 200;summary.daily $DAY 1 503;"
sleep 1.1
"$AC" -c ac.ini run >"$T/run3.out" 2>&1
is "the run after delivers yesterday's, quietly" "$?:$(cat "$T/run3.out")" "0:"
is "each day under its one key" "$("$PY" "$LIBDIR/hookcheck.py" keys "$D_LOG")" \
    "events 2 keys 2 requests 4"
is "the payloads follow the schema" \
    "$("$PY" "$LIBDIR/hookcheck.py" schema "$D_LOG"; \
    "$PY" "$LIBDIR/hookcheck.py" schema "$A_LOG")" ""
is "yesterday's totals and customers" "$("$PY" -c 'import json, sys
for l in open(sys.argv[1]):
    p = json.loads(json.loads(l)["body"])
    if p["day"] == sys.argv[2] and json.loads(l)["action"] == "200":
        t = p["totals"]
        print(t["confirmed"], t["internal_only"], t["external_only"],
              t["unresolved_reports"], t["internal_reports"],
              t["external_reports"], p["customers_total"],
              " ".join(c["customer"] + ":" + c["confidence"]
                       for c in p["customers"]))' "$D_LOG" "$DAY")" \
    "1 1 0 0 3 1 2 cust-alpha:confirmed cust-beta:internal"
is "the all webhook got summary.daily too" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" | grep -c '^summary.daily')" 2
N=$(cat "$D_LOG" "$A_LOG" | wc -l)
"$AC" -c ac.ini run >"$T/run4.out" 2>&1
is "one more run is quiet and sends nothing" \
    "$?:$(cat "$T/run4.out"):$(cat "$D_LOG" "$A_LOG" | wc -l)" "0::$N"
is "the runs are recorded with their exit status" \
    "$(q "SELECT command, status FROM runs ORDER BY id" | tr '\n' ' ')" \
    "run|75 run|75 run|0 run|0 "
done_testing
