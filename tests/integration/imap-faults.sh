#!/bin/sh
# Faults against a real Dovecot: a server that stops answering in the
# middle of a fetch (timeout), UIDVALIDITY changed between runs, messages
# expunged by someone else between runs, and two sources of which one
# cannot be reached.  Nothing is lost or counted twice.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

dc_require
dc_start

run() {
	{
		printf '[store]\npath = %s\n\n' "$T/abuse.db"
		dc_source box "$@"
	} >"$T/ac.ini"
	"$AC" -c "$T/ac.ini" -v collect >"$T/out" 2>&1
	rc=$?
}

checkpoint() {
	dbq "SELECT last_uid FROM mailbox_state WHERE source = 'box'"
}

# Every stored UID is at or below the checkpoint, and every UID at or
# below it that the server still has is stored (UIDs here are dense).
consistent() {
	[ "$(dbq "SELECT count(*) FROM messages WHERE source = 'box' AND
	    uid > (SELECT last_uid FROM mailbox_state WHERE source = 'box')")" \
	    = 0 ] &&
	[ "$(dbq "SELECT count(DISTINCT uid) FROM messages
	    WHERE source = 'box'")" = "$(checkpoint)" ]
}

# A server that stops in the middle of a fetch: it is let run in short
# slices until the first batch is committed, then stopped for good (the
# messages are padded so that they do not all fit in socket buffers).
n=2000
[ "${AC_TEST_QUICK:-0}" = 1 ] && n=1000
dc_load $n 1 --pad 4000
{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source box batch_size=50 timeout=2s
} >"$T/ac.ini"
"$AC" -c "$T/ac.ini" collect >"$T/out" 2>&1 &
pid=$!
stopped=$(dc_leash $pid)
start=$(date +%s)
wait $pid
rc=$?
took=$(($(date +%s) - start))
[ -n "$stopped" ] && kill -CONT $stopped
is "a server that stops answering: exit 75" "$rc" 75
ok "the error says the server gave no answer within the timeout" \
    grep -Eq "^abuse-collector: box: 127.0.0.1:$DC_SPORT: folder INBOX: fetch (sizes|messages) of uid [0-9]+:[0-9]+: no answer within 2 s \(timeout\)" \
    "$T/out"
ok "it gave up after about the timeout (${took}s), not the default 60 s" test "$took" -le 20
got=$(dbq 'SELECT count(*) FROM messages')
ok "the batches before the stall are kept ($got)" test "$got" -gt 0 -a \
    "$got" -lt $n
ok "and the checkpoint matches them exactly" consistent
run
is "the next run completes" "$rc" 0
is "with every message once" "$(dbq 'SELECT count(*) FROM messages')" $n
is "checkpoint at the highest UID" "$(checkpoint)" $n

# UIDVALIDITY changes: the folder is read again; nothing counts twice.
old=$(dbq "SELECT uidvalidity FROM mailbox_state WHERE source = 'box'")
new=$((old + 1000))
dc_doveadm mailbox update -u "$DC_USER" --uid-validity $new INBOX
dc_load 5 $((n + 1))
run
is "after a UIDVALIDITY change, exit 0" "$rc" 0
ok "with a warning naming the folder and both values" \
    grep -q "box: 127.0.0.1:$DC_SPORT: folder INBOX: UIDVALIDITY changed from $old to $new" \
    "$T/out"
ok "the whole folder was read again" grep -q "$((n + 5)) messages read" \
    "$T/out"
is "only the 5 new messages are stored" \
    "$(dbq 'SELECT count(*) FROM messages')" $((n + 5))
is "no report is counted twice" "$(dbq 'SELECT count(*) FROM reports')" \
    $((n + 5))
is "the checkpoint has the new UIDVALIDITY" \
    "$(dbq "SELECT uidvalidity || ' ' || last_uid FROM mailbox_state")" \
    "$new $((n + 5))"
run
ok "the next run reads nothing" grep -q " 0 messages read" "$T/out"

# Someone else expunges messages between runs: old ones, new ones not
# yet read, and the newest.
base=$((n + 5))
dc_load 10 $((base + 1))
dc_doveadm expunge -u "$DC_USER" mailbox INBOX uid "3,$((base + 2)):$((base + 4)),$((base + 10))"
run
is "after expunges by another client, exit 0" "$rc" 0
is "the 6 remaining new messages are stored" \
    "$(dbq 'SELECT count(*) FROM messages')" $((base + 6))
is "the checkpoint covers the expunged newest UID" "$(checkpoint)" \
    $((base + 10))

# A folder whose old messages were deleted: its UIDs start high, and the
# ranges asked for grow to cross the gap in a few steps.
gap=3000
[ "${AC_TEST_QUICK:-0}" = 1 ] && gap=1500
first=$(dc_doveadm -f flow mailbox status -u "$DC_USER" uidnext INBOX |
    sed 's/.*uidnext=//')
dc_load $gap $((base + 100))
dc_doveadm expunge -u "$DC_USER" mailbox INBOX uid "1:$((first + gap - 2))"
{
	printf '[store]\npath = %s\n\n' "$T/gap.db"
	dc_source gap batch_size=100
} >"$T/gap.ini"
"$AC" -c "$T/gap.ini" -vv collect >"$T/out" 2>&1
is "a folder with a gap of $gap UIDs is read" "$?" 0
is "its one message is stored" \
    "$(sqlite3 "$T/gap.db" 'SELECT count(*) FROM messages')" 1
asks=$(grep -c "holds [0-9]* new messages" "$T/out")
ok "in few requests ($asks, not $((gap / 100)))" test "$asks" -le 8
is "the checkpoint is the last UID" \
    "$(sqlite3 "$T/gap.db" 'SELECT last_uid FROM mailbox_state')" \
    $((first + gap - 1))
base=$((base + 100 + gap))

# Two sources, one of which cannot be reached.
closed=$(free_port)
dc_load 3 $((base + 11))
stored=$(dbq 'SELECT count(*) FROM messages')
{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source down "port=$closed"
	dc_source box
} >"$T/ac.ini"
"$AC" -c "$T/ac.ini" collect >"$T/out" 2>&1
is "one source unreachable: exit 75" "$?" 75
ok "the error names that source and its server" \
    grep -q "^abuse-collector: down: 127.0.0.1:$closed: cannot connect: Connection refused" \
    "$T/out"
is "the other source was collected" "$(dbq 'SELECT count(*) FROM messages')" \
    $((stored + 4))
"$AC" -c "$T/ac.ini" status >"$T/status"
ok "status shows the run failed with 75" grep -q "exit status 75" "$T/status"

done_testing
