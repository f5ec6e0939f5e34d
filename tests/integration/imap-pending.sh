#!/bin/sh
# A collector killed between a batch's commit and its after action
# (here by a proxy, at the second UID MOVE, UID COPY or UID STORE it
# sees): the next run finishes what the batch owed before it reads
# anything new.  Every message is stored once and moved once: none is
# left in INBOX, none is in both folders, none is copied twice.  With
# MOVE, and without MOVE (COPY, \Deleted, UID EXPUNGE), also when the
# server copied but its answer was lost; after = seen too.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"
. "$top_srcdir/tests/lib/imapproxy.sh"

dc_require
dc_start
dc_doveadm mailbox create -u "$DC_USER" Processed

count() {
	dc_doveadm search -u "$DC_USER" mailbox "$1" ${2:-ALL} | wc -l
}

# Message-IDs held twice or more in Processed (copies made twice).
twice() {
	dc_doveadm fetch -u "$DC_USER" "hdr.message-id" mailbox Processed |
	    sort | uniq -d | grep -c -i "message-id"
}

# collect NAME: one run of source NAME through the proxy, its pid in
# $T/ac.pid for the proxy to kill; rc is its exit status.
after=move:Processed
collect() {
	{
		printf '[store]\npath = %s\n\n' "$T/$1.db"
		dc_source "$1" "port=$PX_PORT" tls=none allow_plaintext=yes \
		    ca_file= after=$after batch_size=4
	} >"$T/$1.ini"
	rm -f "$T/ac.pid"
	"$AC" -c "$T/$1.ini" -vv collect >"$T/out" 2>&1 &
	echo $! >"$T/ac.pid"
	wait $!
	rc=$?
}

q() { sqlite3 "$T/$1.db" "$2"; }

# scenario NAME START KILL...: 10 new messages from START in INBOX, a
# run of source NAME killed as the proxy options KILL say, and a run
# after it.
scenario() {
	local name=$1 start=$2 moved
	shift 2
	moved=$(count Processed)
	dc_load 10 "$start"
	px_start "$name" --pidfile "$T/ac.pid" "$@"
	collect "$name"
	is "$name: the collector was killed" "$rc" 137
	ok "$name: by the proxy" has_line "^kill -9 " "$PX_LOG"
	n=$(q "$name" 'SELECT count(*) FROM messages')
	ok "$name: two batches were committed, not all ($n messages)" \
	    test "$n" -gt 0 -a "$n" -lt 10
	collect "$name"
	is "$name: the next run exits 0" "$rc" 0
	is "$name: every message is stored" \
	    "$(q "$name" 'SELECT count(*) FROM messages')" 10
	is "$name: none twice" \
	    "$(q "$name" 'SELECT count(DISTINCT sha256) FROM messages')" 10
	is "$name: none is left in INBOX" "$(count INBOX)" 0
	is "$name: all of them are in Processed" "$(count Processed)" \
	    $((moved + 10))
	is "$name: none of them twice" "$(twice)" 0
	is "$name: nothing waits" \
	    "$(q "$name" 'SELECT count(*) FROM imap_pending')" 0
	"$AC" -c "$T/$name.ini" status >"$T/status"
	ok "$name: status shows nothing waiting" \
	    sh -c "! grep -q 'wait for after' '$T/status'"
	px_stop
}

# MOVE: killed before the second batch's UID MOVE reaches the server.
scenario move 1 --kill "UID MOVE" 2
# ... and once the server has moved it, before the store knows.
scenario moved 11 --kill "UID MOVE" 2 --after-answer
ok "moved: the second run found the messages gone from INBOX" \
    has_line "4 messages that waited for after = move:Processed are no longer here" \
    "$T/out"

# Without MOVE: COPY, then \Deleted and UID EXPUNGE.
dc_start caps="IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS CHILDREN"
# Killed before the second COPY ...
scenario copy 21 --kill "UID COPY" 2
# ... and after it, before its originals are flagged \Deleted: the
# copies are not made again.
scenario copied 31 --kill "UID STORE" 2
# Two batches copied by the first run, the last batch by the second.
is "copied: the second run did not copy the second batch again" \
    "$(grep -c "UID COPY" "$PX_LOG")" 3
# ... and once the server has copied, before the collector hears of it:
# the next run finds the copies in Processed and does not copy again.
scenario copylost 41 --kill "UID COPY" 2 --after-answer
ok "copylost: the second run found the copies" has_line \
    "4 messages were being copied to Processed when the last run ended: 4 of them are there already" \
    "$T/out"
is "copylost: and did not copy them again" "$(grep -c "UID COPY" "$PX_LOG")" 3

# after = seen: killed before the second batch is flagged.
dc_start
after=seen
dc_load 10 51
px_start seen --pidfile "$T/ac.pid" --kill "UID STORE" 2
collect seen
is "seen: the collector was killed" "$rc" 137
n=$(count INBOX SEEN)
ok "seen: one batch is flagged, not all ($n)" test "$n" -gt 0 -a "$n" -lt 10
collect seen
is "seen: the next run exits 0" "$rc" 0
is "seen: every message is stored once" \
    "$(q seen 'SELECT count(DISTINCT sha256) || count(*) FROM messages')" 1010
is "seen: all of them are flagged \\Seen" "$(count INBOX SEEN)" 10
is "seen: nothing waits" "$(q seen 'SELECT count(*) FROM imap_pending')" 0

done_testing
