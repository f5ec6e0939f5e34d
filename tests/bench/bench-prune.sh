#!/bin/sh
# prune beside collect: a store of N messages (default 1,000,000) with a
# report each, their cases, events, delivered outbox rows and runs, spread
# over two years (made in SQL, not collected: that would take hours), of
# which [store] keep = 400d leaves about the newer half.  While
# `abuse-collector prune` deletes the older half and gives the space
# back, beside it
#
#   probe    a writer that takes the store's write lock as collect does
#            (BEGIN IMMEDIATE, a row, COMMIT; busy timeout 10 s) every
#            20 ms and records how long each BEGIN waited
#   collect  abuse-collector collect of a Maildir with 20 new reports,
#            again and again, each run timed
#
# Reported: prune's time, its rows and largest transaction, the file
# before and after, the longest lock wait of the probe, and the longest
# collect beside the prune against the median of collects without it.
# Target: the longest wait < 1 s (exits 1 when over; not part of make
# check, which asserts the structure instead: tests/integration/prune.sh).
#
# usage: tests/bench/bench-prune.sh [N]   (from the build directory, or
#        with top_srcdir and top_builddir set)
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$PWD}"
export top_srcdir top_builddir
N=${1:-1000000}

. "$top_srcdir/tests/lib/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "bench-prune: needs sqlite3" >&2; exit 2; }
LIBDIR=$top_srcdir/tests/lib
cd "$T" || exit 2
mkmaildir md
mkdir -p var
cat >ac.ini <<EOT
[store]
path = var/abuse.db
keep = 400d
[source inbox]
type = maildir
path = md
[resolver]
order = network
networks_file = nets.csv
[report]
output_dir = out
EOT
printf 'cidr,customer\n192.0.2.0/24,cust-a\n' >nets.csv
"$AC" -c ac.ini -q collect || { echo "bench-prune: first collect failed" >&2; exit 2; }

# N messages over 730 days, oldest first, a report each (customer one
# of 200 on its day), a case per customer and day, its case.opened
# event with a delivered webhook row, a run per hour.
now=$(date +%s)
echo "bench-prune: filling the store with $N messages ..." >&2
t0=$(date +%s)
sqlite3 var/abuse.db <<EOT
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE g AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL
    SELECT i + 1 FROM c WHERE i < $N)
    SELECT i, $now - 730 * 86400 + i * (730 * 86400 / $N) AS t,
    'cust-' || (i % 200) AS cu FROM c;
INSERT INTO messages (id, source, folder, sha256, size, received_at,
    arrived_at, format, status, file)
    SELECT i, 'inbox', 'md', lower(hex(randomblob(32))), 2400, t, t, 'arf',
    'parsed', 'md/cur/' || i || '.bench:2,S' FROM g;
INSERT INTO local_seen (source, name) SELECT 'inbox', i || '.bench' FROM g;
INSERT INTO reports (id, message, report_key, format, role, reporter,
    occurred_at, occurred_known, day, source_ip, mail_from, subject,
    customer, resolved_by)
    SELECT i, i, lower(hex(randomblob(16))), 'arf', 'external',
    'fbl.example', t, 1, date(t, 'unixepoch'), '192.0.2.' || (i % 250),
    'user' || (i % 5000) || '@customer.example', 'Subject ' || (i % 977),
    cu, 'network' FROM g;
INSERT INTO cases (customer, day, internal_reports, external_reports,
    distinct_source_ips, distinct_reporters, first_seen, last_seen,
    confidence, score, updated_at)
    SELECT customer, day, 0, count(*), 1, 1, min(occurred_at),
    max(occurred_at), 'external', 1, max(occurred_at) FROM reports
    GROUP BY customer, day;
INSERT INTO case_ips SELECT DISTINCT customer, day, source_ip FROM reports;
INSERT INTO events (kind, customer, day, created_at)
    SELECT 'case.opened', customer, day, first_seen FROM cases;
INSERT INTO outbox (event, target, idempotency_key, payload, created_at,
    next_attempt, delivered_at, kind)
    SELECT id, 'webhook:desk', lower(hex(randomblob(16))), '{}', created_at,
    created_at, created_at + 5, kind FROM events;
INSERT INTO runs (command, started_at, finished_at, status, messages)
    SELECT 'run', t, t + 3, 0, 10 FROM g WHERE i % ($N / 17520 + 1) = 0;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
EOT
rows=$(sqlite3 var/abuse.db "SELECT (SELECT count(*) FROM messages) +
    (SELECT count(*) FROM reports) + (SELECT count(*) FROM cases) +
    (SELECT count(*) FROM case_ips) + (SELECT count(*) FROM events) +
    (SELECT count(*) FROM outbox) + (SELECT count(*) FROM local_seen)")
size_before=$(stat -c %s var/abuse.db)
echo "bench-prune: $rows rows, $size_before bytes, made in $(( $(date +%s) - t0 )) s" >&2

# One collect's worth of new mail: 20 reports of today.
batch=0
newmail() {
	batch=$((batch + 1))
	python3 "$LIBDIR/mkreports.py" md external 192.0.2.77 \
	    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "Bench $batch" 20 "b$batch-"
}
# A collect, timed in ms, appended to $1.
timed_collect() {
	local a b
	newmail
	a=$(date +%s%N)
	if ! "$AC" -c ac.ini -q collect 2>>collect.err; then
		echo "bench-prune: a collect failed: $(tail -1 collect.err)" >&2
		echo fail >>"$1"
	fi
	b=$(date +%s%N)
	echo $(( (b - a) / 1000000 )) >>"$1"
}

: >alone.ms
for k in 1 2 3 4 5; do timed_collect alone.ms; done

# The probe: the longest wait for the write lock, in ms, every 20 ms.
cat >probe.py <<'PY'
import sqlite3, sys, time, os
db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
db.execute("CREATE TABLE IF NOT EXISTS bench_probe (t REAL)")
stop = sys.argv[2]
waits = []
while not os.path.exists(stop):
    a = time.monotonic()
    db.execute("BEGIN IMMEDIATE")
    b = time.monotonic()
    db.execute("INSERT INTO bench_probe VALUES (?)", (b,))
    db.execute("COMMIT")
    waits.append(b - a)
    time.sleep(0.02)
waits.sort()
print("%d %.0f %.0f" % (len(waits), waits[-1] * 1000,
    waits[len(waits) * 99 // 100] * 1000))
PY
python3 probe.py var/abuse.db "$T/stop" >probe.out 2>probe.err &
probe=$!

t0=$(date +%s%N)
"$AC" -c ac.ini -vv prune >prune.out 2>prune.log &
pid=$!
: >beside.ms
while kill -0 "$pid" 2>/dev/null; do timed_collect beside.ms; done
wait "$pid"
st=$?
t1=$(date +%s%N)
touch "$T/stop"
wait "$probe"
size_after=$(stat -c %s var/abuse.db)

echo "prune: exit $st, $(( (t1 - t0) / 1000000 )) ms"
sed -n 's/^  //p' prune.out | tr -s ' ' | tr '\n' ',' | sed 's/,$/\n/'
largest=$(sed -n 's/.*prune: .*: \([0-9]*\) rows in one transaction (\([0-9]*\) ms).*/\1 \2/p' \
    prune.log | sort -n -k2 | tail -1)
echo "transactions: $(grep -c 'rows in one transaction' prune.log), the longest: ${largest% *} rows in ${largest#* } ms"
echo "the slowest: $(sed -n 's/.*prune: \(.*\) (\([0-9]*\) ms).*/\2 ms \1/p' prune.log | sort -n | tail -5 | tr '\n' ';')"
echo "store: $size_before bytes before, $size_after after"
read -r nprobe maxwait p99 <probe.out
echo "probe: $nprobe write locks taken beside the prune, longest wait $maxwait ms, 99th percentile $p99 ms"
med=$(sort -n alone.ms | sed -n 3p)
echo "collect: alone median $med ms; beside the prune $(grep -vc fail beside.ms) runs, $(grep -c fail beside.ms) failed, longest $(grep -v fail beside.ms | sort -n | tail -1) ms"
[ "$st" = 0 ] && [ "$maxwait" -lt 1000 ] && ! grep -q fail beside.ms
