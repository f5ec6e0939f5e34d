#!/bin/sh
# A plaintext IMAP server (scripted, tests/lib/imapfault.py) that goes
# wrong in the middle of a message's body: it closes the connection, it
# announces a 4,000,000,000-byte literal, it stops answering, or it sends
# one byte at a time, slowly enough never to reach the timeout; or that
# answers a fetch with untagged lines without end.  Each run
# ends within a bound with an error that names the source, the folder and
# the UID, the collector stays small, and the lock is free afterwards.
# A server that does it on every connection cannot block the folder: the
# message is quarantined without bytes, with the reason.
. "$top_srcdir/tests/lib/lib.sh"

command -v flock >/dev/null || skip_all "flock (util-linux) not installed"
. "$top_srcdir/tests/lib/fakeimap.sh"

# The run ended by itself, within $2 seconds, small, and let go of the
# lock: checks named after $1.  The bounds are far above what the
# timeouts need (a loaded machine is slow to start a TLS session) and
# far below what the server would hold a run that ignores them (a
# trickle lasts minutes, a silent or endless server for ever; the run is
# killed at 60 s).
bounded() {
	ok "$1: the run ended by itself (exit $rc)" test "$rc" -ne 137
	ok "$1: within $2 s (${took} s)" test "$took" -le "$2"
	ok "$1: in little memory (max RSS $rss KiB)" test "$rss" -lt "$rss_max"
	ok "$1: the lock is free" flock -n "$T/abuse.db.lock" true
}


where="box: 127.0.0.1"
# (a) The connection closes in the middle of the body of UID 1, then the
# server is gone: the run ends at once with 75, naming where it was.
fake_start eof-literal --once
collect timeout=5s
fake_stop
bounded "closed inside a literal" 40
is "closed inside a literal: exit 75" "$rc" 75
ok "the warning names the folder, UIDs, UID and how far it got" has_line \
    "^abuse-collector: warning: $where:$port: folder INBOX: fetch messages of uid 1:2: connection lost (closed by the server) in the middle of uid 1 (560 of 1120 bytes read)" \
    "$T/out"

# ... on every connection: UID 1 is quarantined without bytes, UID 2 read.
fake_start eof-literal
collect timeout=5s
fake_stop
bounded "closed inside a literal each time" 40
is "closed inside a literal each time: exit 0" "$rc" 0
is "UID 1 is quarantined with the reason, without bytes" \
    "$(q "SELECT uid, status, length(coalesce(raw, '')) FROM messages
        WHERE reason LIKE '%connection lost (closed by the server) in the middle of uid 1 (560 of 1120 bytes read)%'")" \
    "1|quarantined|0"
is "UID 2 is read, the checkpoint is past both" \
    "$(q "SELECT (SELECT count(*) FROM messages WHERE uid = 2 AND
        length(raw) > 0) || ' ' || last_uid FROM mailbox_state")" "1 2"

# (b) A 4,000,000,000-byte literal, under a 1 GiB address space (but for
# a sanitizer build): refused before anything is reserved for it
# (libetpan would ask for 4 GB).
collect_limited() {
	if [ "$sanitized" = 1 ]; then
		collect "$@"
		return
	fi
	(ulimit -v 1048576; collect "$@"; echo "$rc $took $rss" >"$T/res")
	read -r rc took rss <"$T/res"
}
fake_start huge-literal --once
collect_limited timeout=5s
fake_stop
bounded "a 4 GB literal" 40
is "a 4 GB literal: exit 75" "$rc" 75
ok "the warning names the folder, the UID, the size and the limit" has_line \
    "^abuse-collector: warning: $where:$port: folder INBOX: fetch messages of uid 1:2: the server announced a literal of 4000000000 bytes for uid 1, over the limit of 26279936 (max_message_size and the protocol's slack); refused before reading it" \
    "$T/out"

fake_start huge-literal
collect_limited timeout=5s
fake_stop
bounded "a 4 GB literal each time" 40
is "a 4 GB literal each time: exit 0" "$rc" 0
is "UID 1 is quarantined with the reason, without bytes" \
    "$(q "SELECT uid, status, length(coalesce(raw, '')) FROM messages
        WHERE reason LIKE '%announced a literal of 4000000000 bytes for uid 1, over the limit of %'")" \
    "1|quarantined|0"

# (c) The server stops in the middle of the body: the timeout.
fake_start stall-literal
collect timeout=2s
fake_stop
bounded "silent inside a literal" 40
is "silent inside a literal: exit 75" "$rc" 75
ok "the error names the timeout and the UID" has_line \
    "^abuse-collector: $where:$port: folder INBOX: fetch messages of uid 1:2: no answer within 2 s (timeout) in the middle of uid 1 (560 of 1120 bytes read)" \
    "$T/out"

# (d) One byte every 0.2 s: never a timeout, but the deadline.
fake_start trickle
collect timeout=2s connect_timeout=2s deadline=4s
fake_stop
bounded "a trickle" 40
is "a trickle: exit 75" "$rc" 75
ok "the error names the deadline and the UID" has_line \
    "^abuse-collector: $where:$port: folder INBOX: fetch messages of uid 1:2: the source's deadline of 4 s passed (deadline) in the middle of uid 1 ([0-9]* of 1120 bytes read)" \
    "$T/out"
ok "after about 4 s (${took} s)" test "$took" -ge 3

# (e) Untagged lines without end, as fast as they are read: libetpan
# would keep them all until the command completes.
fake_start flood --once
collect timeout=5s
fake_stop
bounded "a flood of responses" 40
is "a flood of responses: exit 75" "$rc" 75
ok "the warning says what the server sent" has_line \
    "^abuse-collector: warning: $where:$port: folder INBOX: fetch sizes of uid 1:2: the server sent more than 5144576 bytes of responses without completing the command" \
    "$T/out"

# The same over TLS, from the start and after STARTTLS: the checks sit
# on top of TLS, after the certificate was checked as always.
if sh "$top_srcdir/tests/lib/mkcerts.sh" "$T"; then
	tls="tls=implicit ca_file=$T/ca.pem allow_plaintext="
	fake_start huge-literal --once --tls implicit --certs "$T"
	collect_limited timeout=5s $tls
	fake_stop
	bounded "a 4 GB literal over TLS" 40
	is "a 4 GB literal over TLS: exit 75" "$rc" 75
	ok "the warning names the folder, the UID and the size" has_line \
	    "^abuse-collector: warning: $where:$port: folder INBOX: fetch messages of uid 1:2: the server announced a literal of 4000000000 bytes for uid 1, over" \
	    "$T/out"

	fake_start trickle --tls implicit --certs "$T"
	collect timeout=2s connect_timeout=2s deadline=4s $tls
	fake_stop
	bounded "a trickle over TLS" 40
	is "a trickle over TLS: exit 75" "$rc" 75
	ok "the error names the deadline and the UID" has_line \
	    "^abuse-collector: $where:$port: folder INBOX: fetch messages of uid 1:2: the source's deadline of 4 s passed (deadline) in the middle of uid 1" \
	    "$T/out"

	fake_start eof-literal --once --tls starttls --certs "$T"
	collect timeout=5s tls=starttls "ca_file=$T/ca.pem" allow_plaintext=
	fake_stop
	bounded "closed inside a literal after STARTTLS" 40
	is "closed inside a literal after STARTTLS: exit 75" "$rc" 75
	ok "the warning says the connection was lost, and where" has_line \
	    "^abuse-collector: warning: $where:$port: folder INBOX: fetch messages of uid 1:2: connection lost (closed by the server) in the middle of uid 1 (560 of 1120 bytes read)" \
	    "$T/out"

	fake_start good --tls implicit --certs "$T"
	collect $tls
	fake_stop
	is "a good server over TLS: exit 0" "$rc" 0
	is "both messages are stored" "$(q 'SELECT count(*) FROM messages')" 2
else
	echo "# no openssl: the TLS cases are left out"
fi

# The deadline is checked like the other durations.
port=143
for bad in "deadline=0s:must be a duration from 1s to 24h" \
    "deadline=2d:must be a duration from 1s to 24h" \
    "deadline=30s:30s is shorter than timeout (60s) or connect_timeout (30s)"; do
	ini "${bad%%:*}"
	"$AC" -c "$T/ac.ini" check-config >"$T/out" 2>&1
	is "${bad%%:*} is a configuration error" "$?" 78
	ok "${bad%%:*}: named with its line" has_line \
	    "ac.ini:[0-9]*: \[source box\] deadline: ${bad#*:}" "$T/out"
done
ini deadline=2h
"$AC" -c "$T/ac.ini" check-config >"$T/print" 2>&1
ok "check-config shows the deadline" grep -qx "deadline = 7200s" "$T/print"

done_testing
