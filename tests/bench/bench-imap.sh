#!/bin/sh
# IMAP benchmark: N generated notifications (default 10,000) in a test
# Dovecot on loopback, then in one run, over implicit TLS against the same
# warmed-up server:
#
#   raw      one "UID FETCH 1:* BODY.PEEK[]" read and thrown away (the
#            transfer floor; a Python client, so its own cost is small
#            but not zero)
#   collect  abuse-collector collect into an empty store: fetch, parse,
#            resolve, store
#   mbsync   isync pulling the same mailbox into an empty local Maildir
#            (TLS verified with the test CA), with its default FSync yes
#            and with FSync no
#   no-op    abuse-collector collect again, nothing new (median of 5)
#
# and the collector's peak RSS at N and at 5 N (default 50,000) messages,
# its CPU time, and how long the whole machine was busy during raw and
# during collect (the server shares the machine's CPUs with the client).
# Targets: collect <= 1.5 x raw, mbsync >= 4 x collect, peak RSS < 64 MB
# and about the same at both sizes, no-op < 100 ms.
#
# All three connect to "localhost" (mbsync matches no IP address against
# a certificate).
#
# usage: [BENCH_ROUNDS=3] tests/bench/bench-imap.sh [N]   (from the build directory, or
#        with top_srcdir and top_builddir set); needs root, like the tests
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$PWD}"
export top_srcdir top_builddir
N=${1:-10000}
ROUNDS=${BENCH_ROUNDS:-3}
BIG=$((N * 5))

. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

skip_all() {
	echo "bench-imap: cannot run: $*" >&2
	exit 77
}
dc_require
command -v mbsync >/dev/null 2>&1 || skip_all "mbsync (isync) is missing"
[ -x "$AC" ] || skip_all "$AC is not built"
dc_start

measure() {
	python3 "$here/measure.py" "$@"
}

# seconds from "seconds rss status"
field() {
	echo "$1" | cut -d' ' -f"$2"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

secret_file "$T/pass" "$DC_PASS"

collector_ini() {
	{
		printf '[store]\npath = %s\n\n' "$1"
		dc_source box host=localhost
	} >"$T/ac.ini"
}

mbsync_rc() {
	cat >"$T/mbsyncrc" <<-EOF
	FSync $2

	IMAPAccount test
	Host localhost
	Port $DC_SPORT
	User $DC_USER
	PassCmd "cat $T/pass"
	SSLType IMAPS
	CertificateFile $DC_CA

	IMAPStore far
	Account test

	MaildirStore near
	Path $T/mbsync/$1/
	Inbox $T/mbsync/$1/INBOX

	Channel pull
	Far :far:
	Near :near:
	Patterns INBOX
	Sync Pull
	Create Near
	SyncState *
	EOF
	rm -rf "$T/mbsync/$1"
	mkdir -p "$T/mbsync/$1"
}

echo "bench-imap: generating $N notifications" >&2
dc_load "$N" 1
# Dovecot indexes a new Maildir on first sight: let that happen before
# anything is timed, so that every contender sees the same warm server.
python3 "$here/raw_fetch.py" localhost "$DC_SPORT" "$DC_CA" "$DC_USER" \
    "$T/pass" >/dev/null

# Rounds of raw, collect and the two mbsyncs, interleaved so that a
# change in the machine's load touches all alike; medians are compared.
r=0
: >"$T/raw" >"$T/col" >"$T/mb" >"$T/mb2" >"$T/rss" >"$T/rawbusy" \
    >"$T/colcpu" >"$T/colbusy"
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	echo "bench-imap: round $r of $ROUNDS" >&2
	x=$(measure -o python3 "$here/raw_fetch.py" localhost "$DC_SPORT" \
	    "$DC_CA" "$DC_USER" "$T/pass")
	field "$(echo "$x" | sed -n 1p)" 1 >>"$T/raw"
	raw_bytes=$(field "$(echo "$x" | sed -n 1p)" 2)
	field "$(echo "$x" | sed -n 2p)" 5 >>"$T/rawbusy"
	rm -f "$T/a.db" "$T/a.db-wal" "$T/a.db-shm"
	collector_ini "$T/a.db"
	c=$(measure "$AC" -c "$T/ac.ini" collect)
	[ "$(field "$c" 3)" = 0 ] || skip_all "collect failed: $c"
	stored=$(sqlite3 "$T/a.db" 'SELECT count(*) FROM messages')
	[ "$stored" = "$N" ] || skip_all "collect stored $stored of $N"
	field "$c" 1 >>"$T/col"
	field "$c" 2 >>"$T/rss"
	field "$c" 4 >>"$T/colcpu"
	field "$c" 5 >>"$T/colbusy"
	mbsync_rc nofsync no
	m=$(measure mbsync -c "$T/mbsyncrc" -q pull)
	[ "$(field "$m" 3)" = 0 ] || skip_all "mbsync failed: $m"
	got=$(ls "$T/mbsync/nofsync/INBOX/cur" "$T/mbsync/nofsync/INBOX/new" |
	    grep -c .)
	[ "$got" -ge "$N" ] || skip_all "mbsync pulled $got of $N"
	field "$m" 1 >>"$T/mb2"
	mbsync_rc fsync yes
	m=$(measure mbsync -c "$T/mbsyncrc" -q pull)
	[ "$(field "$m" 3)" = 0 ] || skip_all "mbsync failed: $m"
	field "$m" 1 >>"$T/mb"
done
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
all() {
	sort -n "$1" | tr '\n' ' '
}
raw_s=$(median "$T/raw")
cs=$(median "$T/col")
ms=$(median "$T/mb")
ms2=$(median "$T/mb2")
rss=$(sort -n "$T/rss" | tail -1)

# The cost of commits (each refreshes the day's cases): one transaction.
rm -f "$T/c.db" "$T/c.db-wal" "$T/c.db-shm"
{
	printf '[store]\npath = %s\n\n' "$T/c.db"
	dc_source box host=localhost batch_size=$N
} >"$T/one.ini"
one=$(measure "$AC" -c "$T/one.ini" collect)

noop=$(for i in 1 2 3 4 5; do
	field "$(measure "$AC" -c "$T/ac.ini" collect)" 1
done | sort -n | sed -n 3p)

echo "bench-imap: adding $((BIG - N)) notifications" >&2
dc_load $((BIG - N)) $((N + 1))
python3 "$here/raw_fetch.py" localhost "$DC_SPORT" "$DC_CA" "$DC_USER" \
    "$T/pass" >/dev/null
collector_ini "$T/b.db"
cb=$(measure "$AC" -c "$T/ac.ini" collect)
stored=$(sqlite3 "$T/b.db" 'SELECT count(*) FROM messages')
[ "$stored" = "$BIG" ] || skip_all "collect stored $stored of $BIG"

rssb=$(field "$cb" 2)
noop_ms=$(awk -v s="$noop" 'BEGIN { printf "%d", s * 1000 }')
verdict() { if [ "$1" = 1 ]; then echo met; else echo MISSED; fi; }

cat <<EOF
IMAP benchmark, $N notifications ($raw_bytes bytes over TLS), $(nproc) CPUs,
load average $(cut -d' ' -f1-3 /proc/loadavg); medians of $ROUNDS rounds (all values)
  raw UID FETCH 1:* BODY.PEEK[]   ${raw_s} s   ($(all "$T/raw"))
  abuse-collector collect         ${cs} s   ($(all "$T/col")) peak RSS $((rss / 1024)) MB
  CPU time (medians)              collect $(median "$T/colcpu") s; the whole machine busy during
                                  raw $(median "$T/rawbusy") s, collect $(median "$T/colbusy") s (server included)
  mbsync (FSync yes, default)     ${ms} s   ($(all "$T/mb"))
  mbsync (FSync no)               ${ms2} s   ($(all "$T/mb2"))
  collect, batch_size = $N       $(field "$one" 1) s   (one transaction)
  collect, nothing new            ${noop_ms} ms (median of 5)
  collect at $BIG messages        $(field "$cb" 1) s   peak RSS $((rssb / 1024)) MB

  collect / raw        $(ratio "$cs" "$raw_s")   target <= 1.5   $(verdict "$(awk -v a="$cs" -v b="$raw_s" 'BEGIN{print (a <= 1.5 * b)}')")
  mbsync / collect     $(ratio "$ms" "$cs")   target >= 4     $(verdict "$(awk -v a="$ms" -v b="$cs" 'BEGIN{print (a >= 4 * b)}')")
    (FSync no)         $(ratio "$ms2" "$cs")
  peak RSS             $((rss / 1024)) MB / $((rssb / 1024)) MB   target < 64 MB, same   $(verdict "$(awk -v a="$rss" -v b="$rssb" 'BEGIN{print (a < 65536 && b < 65536 && b < a * 1.25 + 2048)}')")
  no-op run            ${noop_ms} ms   target < 100 ms   $(verdict "$(awk -v a="$noop_ms" 'BEGIN{print (a < 100)}')")
EOF
