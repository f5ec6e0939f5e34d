#!/bin/sh
# What the store remembers of a mailbox must follow the server, on each of
# Dovecot, Cyrus IMAP and Courier-IMAP (each result names the server):
#   - N messages in, N stored; a second run reads nothing; a third only
#     what arrived, even when the new files' names sort before the old
#     ones in the Maildir (Courier numbers such messages in name order);
#   - after = keep changes no flag; after = seen flags each message
#     \Seen; after = move:Processed leaves the messages only in
#     Processed, each stored once;
#   - a new UIDVALIDITY stores nothing twice and takes the new messages;
#   - kill -9 of the collector at random moments of a large collect with
#     after = move, and right after a commit with the server held still
#     (between the commit and the move), then a normal run: every
#     message stored exactly once, none left in the source folder, none
#     twice in Processed.
# A server that cannot run here (Cyrus and Courier come from Debian's
# packages, see tests/lib/fetch-servers.sh) is skipped with the reason.
# AC_TEST_SERVERS="dovecot cyrus" limits the servers.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/imapsrv.sh"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 is not installed"

kinds=${AC_TEST_SERVERS:-dovecot cyrus courier}
# Two rounds of each kind of kill; AC_TEST_QUICK=1 makes it one each.
big=120 per=40 rounds=6
if [ "${AC_TEST_QUICK:-0}" = 1 ]; then
	big=60 per=30 rounds=3
fi

skip_kind() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1: $2"
}

# A run of source $1 with the keys after it: exit status in rc, output
# in $T/out.
collect() {
	{
		printf '[store]\npath = %s\n\n' "$T/abuse.db"
		srv_source "$@"
	} >"$T/ac.ini"
	"$AC" -c "$T/ac.ini" -v collect >"$T/out" 2>&1
	rc=$?
}

# imapctl.py commands joined by +, their answers on one line.
q() { srv_ctl "$@" | tr '\n' ' ' | sed 's/ $//'; }
stored() { dbq "SELECT count(*) FROM messages WHERE source = '$1'"; }
checkpoint() {
	dbq "SELECT uidvalidity || ' ' || last_uid FROM mailbox_state
	    WHERE source = '$1'"
}
# "N messages read" from the last run's output, or what it said instead.
read_count() {
	grep -o '[0-9]* messages\{0,1\} read' "$T/out" | tail -1 |
	    sed 's/ .*//' | grep . || { echo "none in:"; cat "$T/out"; }
}

matrix() {
	local k=$1 base seen move done reports uv span t0 i pid held files got
	local before after early middle late crashed total delay waiting
	rm -f "$T/abuse.db" "$T/abuse.db-wal" "$T/abuse.db-shm"
	srv_start "$k"
	echo "# $(srv_version)"
	seen=$(srv_folder Seen)
	move=$(srv_folder Move)
	done=$(srv_folder Processed)
	reports=$(srv_folder Reports)
	srv_ctl create "$seen" + create "$move" + create "$done" + \
	    create "$reports" + load "$seen" 10 --start 1001 + \
	    load "$move" 12 --start 2001 + load "$reports" 10 --start 3001 ||
	    { echo "Bail out! $k: cannot create and fill the folders"; exit 1; }

	# Exact count, nothing twice, new mail only; Maildir names of one
	# second, so that M51 sorts before M6.
	base=$(date +%s)
	srv_load 50 1 --base "$base"
	collect box
	is "$k: after = keep: the first run exits 0" "$rc" 0
	is "$k: 50 messages in, 50 stored" "$(stored box)" 50
	got=$(q count INBOX SEEN + uidvalidity INBOX + highest INBOX)
	is "$k: after = keep flags none \\Seen" "${got%% *}" 0
	is "$k: the checkpoint is the highest UID" "$(checkpoint box)" \
	    "${got#* }"
	collect box
	is "$k: a second run exits 0" "$rc" 0
	is "$k: and reads nothing" "$(read_count)" 0
	srv_load 7 51 --base "$base"
	collect box
	is "$k: with 7 new messages, the next run exits 0" "$rc" 0
	is "$k: it reads only the 7 new messages" "$(read_count)" 7
	is "$k: 57 messages in, 57 stored" "$(stored box)" 57
	is "$k: the server still has all 57, none \\Seen" \
	    "$(q count INBOX + count INBOX SEEN)" "57 0"

	# after = seen
	collect seen folder="$seen" after=seen
	is "$k: after = seen exits 0" "$rc" 0
	is "$k: 10 messages stored" "$(stored seen)" 10
	is "$k: all 10 flagged \\Seen and still there" \
	    "$(q count "$seen" SEEN + count "$seen")" "10 10"
	srv_ctl load "$seen" 2 --start 1011
	collect seen folder="$seen" after=seen
	is "$k: after = seen, the next run reads only the 2 new ones" \
	    "$(read_count) $(stored seen) $(q count "$seen" SEEN)" "2 12 12"

	# after = move
	collect mover folder="$move" after="move:$done" batch_size=5
	is "$k: after = move exits 0" "$rc" 0
	is "$k: 12 stored" "$(stored mover)" 12
	is "$k: after = move: the source folder is empty, Processed holds the 12 messages, each once" \
	    "$(q count "$move" + count "$done")" "0 12"
	srv_ctl load "$move" 3 --start 2013
	collect mover folder="$move" after="move:$done" batch_size=5
	is "$k: after = move: 3 new messages are stored and moved too, none flagged \\Deleted" \
	    "$rc $(stored mover) $(q count "$move" + count "$done" + \
	    count "$done" DELETED)" "0 15 0 15 0"

	# A new UIDVALIDITY
	collect uv folder="$reports"
	is "$k: a folder of 10 is stored" "$rc $(stored uv)" "0 10"
	uv=$(q uidvalidity "$reports")
	ok "$k: the folder gets a new UIDVALIDITY" \
	    srv_new_uidvalidity "$reports"
	srv_ctl load "$reports" 4 --start 3011
	collect uv folder="$reports"
	is "$k: after the UIDVALIDITY change the run exits 0" "$rc" 0
	is "$k: nothing is stored twice, the 4 new messages are taken" \
	    "$(stored uv)" 14
	got=$(q uidvalidity "$reports" + highest "$reports")
	is "$k: the checkpoint has the new UIDVALIDITY and the highest UID" \
	    "$(checkpoint uv)" "$got"
	ok "$k: it says that the UIDVALIDITY changed, with both numbers" \
	    has_line "UIDVALIDITY changed from $uv to ${got% *}" "$T/out"

	# kill -9 of the collector during a large collect with after = move:
	# at a random moment within the time a run of $per messages takes;
	# right after its first commit, with the server held still, so that
	# the move comes after the commit (the server may still act on what
	# the collector sent before it died); and right after the first
	# commit with the server killed too, when it had not begun the move
	# (no new file in Processed: a server killed in the middle of a
	# move may leave a message in both folders, which no client can
	# tell from a copy).
	srv_expunge INBOX
	srv_load $big 5001
	total=$big
	t0=$(date +%s%N)
	collect big after="move:$done" batch_size=10
	span=$((($(date +%s%N) - t0) / 1000000 * per / big))
	is "$k: a large collect with after = move exits 0" "$rc" 0
	echo "# $k: a run of $per messages takes about $span ms"
	early=0 middle=0 late=0 crashed=0
	i=0
	while [ $i -lt $rounds ]; do
		i=$((i + 1))
		srv_load $per $((5001 + total))
		total=$((total + per))
		before=$(dbq 'SELECT count(*) FROM messages')
		# Not stored yet: this round's and what earlier kills left.
		waiting=$((total - $(stored big)))
		files=$(srv_files "$done")
		"$AC" -c "$T/ac.ini" collect >/dev/null 2>&1 &
		pid=$!
		held=
		case $((i % 3)) in
		1)
			delay=$(($(od -An -N2 -tu2 /dev/urandom) % (span + 1)))
			sleep "$((delay / 1000)).$(printf '%03d' \
			    $((delay % 1000)))" ;;
		*)
			held=$(srv_leash $pid "$before") ;;
		esac
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		if [ $((i % 3)) = 0 ] && [ "$(srv_files "$done")" = "$files" ]
		then
			srv_crash
			srv_start "$k"
			crashed=$((crashed + 1))
		elif [ -n "$held" ]; then
			kill -CONT $held 2>/dev/null
		fi
		after=$(dbq 'SELECT count(*) FROM messages')
		echo "# $k: round $i: $((after - before)) of $waiting stored"
		if [ "$after" = "$before" ]; then
			early=$((early + 1))
		elif [ "$after" -lt $((before + waiting)) ]; then
			middle=$((middle + 1))
		else
			late=$((late + 1))
		fi
	done
	echo "# $k: kill -9 landed before any commit $early times, between" \
	    "commits $middle times, after the last $late times; the server" \
	    "was killed before its move $crashed times"
	ok "$k: some kills landed between two commits" test $middle -gt 0
	collect big after="move:$done" batch_size=10
	is "$k: the run after the kills exits 0" "$rc" 0
	is "$k: every message of the large collect is stored once" \
	    "$(stored big)" $total
	got=$(q count INBOX + count "$done")
	# A server killed in the middle of its work may refuse the redone
	# move once (a lock its dead process left); a refusal waits for the
	# next run, which must then move them.
	if [ "${got% *}" != 0 ] && grep -q 'tried again on every run' "$T/out"
	then
		sed 's/^/# refused in the run after the kills: /' "$T/out"
		[ "$k" != dovecot ] || grep -iE 'error|warning|panic|fatal' \
		    "$DC/dovecot.log" | tail -20 | sed 's/^/# dovecot.log: /'
		collect big after="move:$done" batch_size=10
		is "$k: the run after a refused move exits 0" "$rc" 0
		got=$(q count INBOX + count "$done")
	fi
	is "$k: none is left in the source folder" "${got% *}" 0
	[ "${got% *}" = 0 ] ||
	    { sed 's/^/# run after the kills: /' "$T/out"
	      dbq "SELECT 'pending: ' || count(*) || ' ' ||
	          coalesce(max(last_error), '') FROM imap_pending" |
	          sed 's/^/# /'
	      [ "$k" != dovecot ] || grep -iE 'error|warning|panic|fatal' \
	          "$DC/dovecot.log" | tail -20 | sed 's/^/# dovecot.log: /'; }
	is "$k: Processed holds each exactly once (messages, Message-IDs twice)" \
	    "${got#* } $(srv_ctl msgids "$done" | sort | uniq -d | wc -l)" \
	    "$((15 + total)) 0"
	srv_stop
}

for kind in $kinds; do
	if srv_available "$kind"; then
		matrix "$kind"
	else
		skip_kind "$kind" "$SRV_WHY"
	fi
done

done_testing
