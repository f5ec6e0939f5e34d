#!/bin/sh
# A mailbox of 20,000 messages in a real Dovecot, first with the server
# killed in the middle of the fetch, then read to the end; then with only
# the session's process killed, which the run gets over by itself; then
# kill -9 of the collector at random moments in 20 runs, each followed by
# a normal run.  At the end every message of the mailbox is stored exactly once and
# the checkpoint is the highest UID.  AC_TEST_QUICK=1 makes it smaller.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

dc_require
dc_start

big=20000 runs=20 per=400
if [ "${AC_TEST_QUICK:-0}" = 1 ]; then
	big=5000 runs=5
fi

{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source box batch_size=200
} >"$T/ac.ini"

checkpoint() {
	dbq "SELECT last_uid FROM mailbox_state WHERE source = 'box'"
}

# The UIDs in INBOX, and the UIDs stored, one per line, sorted.
server_uids() {
	dc_doveadm -f flow fetch -u "$DC_USER" uid mailbox INBOX ALL |
	    sed 's/^uid=//' | sort -n
}
stored_uids() {
	dbq "SELECT uid FROM messages WHERE source = 'box' ORDER BY uid"
}

dc_load $big 1

# The server dies in the middle of the fetch: its imap process is held
# after the first commit, then the whole server is killed, that process
# last, so that the collector cannot connect again.
"$AC" -c "$T/ac.ini" collect >"$T/out" 2>&1 &
pid=$!
imap=$(dc_leash $pid)
ok "the server was caught in the middle of the fetch" test -n "$imap"
dc_crash "$imap"
wait $pid
is "a server killed in the middle of a fetch: exit 75" "$?" 75
ok "the warning names source, server, folder and what was lost" \
    grep -Eq "^abuse-collector: warning: box: 127.0.0.1:$DC_SPORT: folder INBOX: fetch (sizes|messages) of uid [0-9]+:[0-9]+: connection lost[^;]*; reading uid [0-9]+:[0-9]+ again in smaller parts" \
    "$T/out"
ok "the error says the server is gone" has_line \
    "^abuse-collector: box: 127.0.0.1:$DC_SPORT: cannot connect: Connection refused" \
    "$T/out"
got=$(dbq 'SELECT count(*) FROM messages')
ok "what was committed stays ($got of $big)" test "$got" -gt 0 -a \
    "$got" -lt $big
is "and the checkpoint is exactly its highest UID" "$(checkpoint)" \
    "$(dbq 'SELECT max(uid) FROM messages')"

dc_start
"$AC" -c "$T/ac.ini" collect
is "the next run reads the rest" "$?" 0
is "all $big messages are stored" "$(dbq 'SELECT count(*) FROM messages')" $big
is "each once, with its report" \
    "$(dbq 'SELECT count(DISTINCT uid) || " " || (SELECT count(*) FROM reports) FROM messages')" \
    "$big $big"
is "the checkpoint is the highest UID" "$(checkpoint)" $big

# Only the session's imap process dies; the server stays.  The run
# connects again and reads on, the failed range in smaller parts.
more=2000
dc_load $more $((big + 1))
"$AC" -c "$T/ac.ini" -v collect >"$T/out" 2>&1 &
pid=$!
imap=$(dc_leash $pid $big)
ok "the session was caught in the middle of the fetch" test -n "$imap"
[ -n "$imap" ] && kill -9 $imap
wait $pid
is "the session's process killed: the run still ends well" "$?" 0
ok "it says what failed and that it reads on" \
    grep -Eq "^abuse-collector: warning: box: 127.0.0.1:$DC_SPORT: folder INBOX: fetch (sizes|messages) of uid [0-9]+:[0-9]+: connection lost[^;]*; reading uid [0-9]+:[0-9]+ again in smaller parts" \
    "$T/out"
big=$((big + more))
is "every message is stored once, with its report" \
    "$(dbq 'SELECT count(DISTINCT uid) || " " || count(*) || " " || (SELECT count(*) FROM reports) FROM messages')" \
    "$big $big $big"
is "the checkpoint is the highest UID" "$(checkpoint)" $big

# kill -9 at random moments, each run followed by a normal one; small
# batches, so that there are many commits to fall between.  How long a
# whole run takes is measured first, so that the moments spread over
# start-up, fetching and the end on a fast or a slow (sanitizer) build.
# Every other run is killed right after its first commit instead, with
# the server held still, so that some kills surely fall mid-run.
{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source box batch_size=40
} >"$T/ac.ini"
next=$((big + 1))
dc_load $per $next
next=$((next + per))
t0=$(date +%s%N)
"$AC" -c "$T/ac.ini" collect
span=$((($(date +%s%N) - t0) / 1000000))
echo "# a run of $per messages takes $span ms"
early=0 middle=0 late=0
i=0
while [ $i -lt $runs ]; do
	i=$((i + 1))
	dc_load $per $next
	next=$((next + per))
	before=$(dbq 'SELECT count(*) FROM messages')
	"$AC" -c "$T/ac.ini" collect >/dev/null 2>&1 &
	pid=$!
	held=
	if [ $((i % 2)) = 0 ]; then
		held=$(dc_leash $pid "$before")
	else
		delay=$(($(od -An -N2 -tu2 /dev/urandom) % (span + 1)))
		sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
	fi
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ -n "$held" ] && kill -CONT $held
	after=$(dbq 'SELECT count(*) FROM messages')
	if [ "$after" = "$before" ]; then
		early=$((early + 1))
	elif [ "$after" -lt $((before + per)) ]; then
		middle=$((middle + 1))
	else
		late=$((late + 1))
	fi
	if ! "$AC" -c "$T/ac.ini" collect >"$T/out" 2>&1; then
		echo "# run $i after the kill failed:"
		sed 's/^/#   /' "$T/out"
	fi
done
total=$((next - 1))
echo "# kill -9 landed before any commit $early times, between commits" \
    "$middle times, after the last $late times"
is "after $runs killed runs, every message is stored" \
    "$(dbq 'SELECT count(*) FROM messages')" $total
server_uids >"$T/server"
stored_uids >"$T/stored"
ok "the stored UIDs are exactly the server's" cmp -s "$T/server" "$T/stored"
is "each message has one report" "$(dbq 'SELECT count(*) FROM reports')" \
    $total
is "the checkpoint is the highest UID" "$(checkpoint)" "$(tail -1 "$T/server")"
ok "some kills landed in the middle of a run" test $middle -gt 0

done_testing
