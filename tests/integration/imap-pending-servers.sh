#!/bin/sh
# The after actions that follow the store, against each of Dovecot,
# Cyrus IMAP (MOVE) and Courier-IMAP (no MOVE: COPY, \Deleted, UID
# EXPUNGE): a collector killed at the second UID MOVE or UID COPY (and,
# with COPY, at the second UID STORE, after the copy, or once the server
# has copied but before its answer reaches the collector) is followed by a
# run that leaves every message stored once, moved once, none in both
# folders; a target the user may not insert into (an ACL; Cyrus and
# Courier) stops nothing, and once the right is granted the next run
# moves what waited.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/imapsrv.sh"
. "$top_srcdir/tests/lib/imapproxy.sh"

skip_kind() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1: $2"
}

# collect NAME: one run of source NAME through the proxy, its pid in
# $T/ac.pid for the proxy to kill; rc is its exit status.
collect() {
	{
		printf '[store]\npath = %s\n\n' "$T/$1.db"
		srv_source "$1" "port=$PX_PORT" tls=none allow_plaintext=yes \
		    ca_file= "after=move:$target" batch_size=4
	} >"$T/$1.ini"
	rm -f "$T/ac.pid"
	"$AC" -c "$T/$1.ini" -v collect >"$T/out" 2>&1 &
	echo $! >"$T/ac.pid"
	wait $!
	rc=$?
}
q() { sqlite3 "$T/$1.db" "$2"; }

# crash NAME KILL...: 10 new messages, a run killed as the proxy options
# say, and a run after it.
crash() {
	local name=$1 moved
	shift
	moved=$(srv_count "$target")
	srv_load 10 "$next"
	next=$((next + 10))
	px_start "$name" --pidfile "$T/ac.pid" "$@"
	collect "$name"
	is "$name: the collector was killed" "$rc" 137
	collect "$name"
	is "$name: the next run exits 0" "$rc" 0
	is "$name: every message is stored once" \
	    "$(q "$name" 'SELECT count(DISTINCT sha256) || count(*)
	        FROM messages')" 1010
	is "$name: none is left in INBOX" "$(srv_count INBOX)" 0
	is "$name: each is in $target once" "$(srv_count "$target")" \
	    $((moved + 10))
	is "$name: nothing waits" \
	    "$(q "$name" 'SELECT count(*) FROM imap_pending')" 0
	px_stop
}

for kind in dovecot cyrus courier; do
	if ! srv_available $kind; then
		skip_kind $kind "$SRV_WHY"
		continue
	fi
	srv_start $kind tls=no
	echo "# $(srv_version)"
	PX_UPSTREAM=$SRV_PORT
	target=$(srv_folder Processed)
	srv_create "$target"
	next=1
	# Dovecot and Cyrus offer MOVE, Courier does not.
	case $kind in
	courier)
		crash "$kind-copy" --kill "UID COPY" 2
		crash "$kind-copied" --kill "UID STORE" 2
		crash "$kind-copylost" --kill "UID COPY" 2 --after-answer ;;
	*)
		crash "$kind-move" --kill "UID MOVE" 2 ;;
	esac

	# No right to insert into the target (the right to administer it
	# stays, to grant it again).  Courier unites the rights of every
	# entry that applies: the owner's own entry is the one to change.
	who=$SRV_USER
	[ $kind != courier ] || who=owner
	srv_acl "$target" "$who" lrsa || {
		skip_kind "$kind: refused move" "$SRV_WHY"
		srv_stop
		continue
	}
	srv_load 6 "$next"
	next=$((next + 6))
	px_start "$kind-refused"
	collect "$kind-refused"
	is "$kind: a refused move stops nothing: exit 0" "$rc" 0
	ok "$kind: with a warning" has_line \
	    "\(move\|copy\) to $target refused (the server said: .*); 6 stored messages wait for it in INBOX, tried again on every run" \
	    "$T/out"
	is "$kind: all 6 are stored" \
	    "$(q "$kind-refused" 'SELECT count(*) FROM messages')" 6
	is "$kind: and stay in INBOX" "$(srv_count INBOX)" 6
	"$AC" -c "$T/$kind-refused.ini" status >"$T/status" 2>&1
	ok "$kind: status shows them" has_line \
	    "folder INBOX: 6 messages wait for after = move:$target" "$T/status"
	srv_acl "$target" "$who" lrswipkxtea
	collect "$kind-refused"
	is "$kind: once the right is granted: exit 0" "$rc" 0
	is "$kind: INBOX is empty" "$(srv_count INBOX)" 0
	is "$kind: nothing waits" \
	    "$(q "$kind-refused" 'SELECT count(*) FROM imap_pending')" 0
	px_stop
	srv_stop
done

done_testing
