#!/bin/sh
# On a real Dovecot: a valid message that kills the collector while it
# is parsed (it needs more address space than the run has) stops the
# folder for two runs, not for good: the third run stores it as
# quarantined by its UID, with its raw bytes and unparsed, and every
# other message exactly once; the checkpoint passes it.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"
. "$top_srcdir/tests/lib/aslimit.sh"

dc_require
as_require
dc_start
N=60
dc_load "$N" 1

conf() {	# NAME: a configuration with its own store
	{
		printf '[store]\npath = %s\n\n' "$T/$1.db"
		dc_source admin
	} >"$T/$1.ini"
}
q() { sqlite3 "$T/$1.db" "$2"; }

conf clean
"$AC" -q -c "$T/clean.ini" collect
is "a clean run over the others exits 0" "$?" 0
conf probe
probe() {
	rm -f "$T/probe.db" "$T/probe.db-wal" "$T/probe.db-shm" \
	    "$T/probe.db.inflight"
	as_run "$1" -q -c "$T/probe.ini" collect 2>/dev/null
}
floor=$(as_floor probe)
ok "the others need some address space ($floor MiB)" test "$floor" -gt 0

# UID N + 1: about 6 MB, whose parse needs about 7 times that.
python3 "$top_srcdir/tests/lib/gennested.py" \
    --out "$DC_MAILDIR/new/1700009999.M1P1.poison"
chown "$DC_UID:$DC_GID" "$DC_MAILDIR/new/1700009999.M1P1.poison"
# As served: each LF line end becomes CRLF.
size=$(($(wc -c <"$DC_MAILDIR/new/1700009999.M1P1.poison") +
    $(wc -l <"$DC_MAILDIR/new/1700009999.M1P1.poison")))
dc_load 5 $((N + 2))
uv=$(dc_doveadm -f flow mailbox status -u "$DC_USER" uidvalidity INBOX |
    sed 's/.*uidvalidity=//')
limit=$((floor + 40))
conf run
as_run "$limit" -c "$T/run.ini" collect >"$T/out1" 2>&1
st=$?
ok "run 1 dies in $limit MiB (status $st)" test "$st" -ge 128
ok "of a failed allocation" has_line "out of memory" "$T/out1"

as_run "$limit" -c "$T/run.ini" collect >"$T/out2" 2>&1
st=$?
ok "run 2 names the message the last run died on" has_line \
    "admin: folder INBOX: message $uv/$((N + 1)): the last run died while parsing it" \
    "$T/out2"
ok "and dies too (status $st)" test "$st" -ge 128
is "one strike is kept, against that UID" \
    "$(q run 'select position, strikes from message_strikes')" \
    "$uv/$((N + 1))|1"

as_run "$limit" -c "$T/run.ini" collect >"$T/out3" 2>&1
is "run 3 exits 0" "$?" 0
ok "it quarantines the message" has_line \
    "admin: folder INBOX: uid $((N + 1)): quarantined: the collector died 2 times while working on this message (last while parsing it); stored without parsing" \
    "$T/out3"
is "every message stored once" \
    "$(q run 'select count(*) || " " || count(distinct uid) from messages')" \
    "$((N + 6)) $((N + 6))"
is "the one quarantined is UID $((N + 1)), with its raw bytes" \
    "$(q run "select uid || ' ' || length(raw) from messages
        where status = 'quarantined'")" "$((N + 1)) $size"
is "the others give the reports of the clean run and the 5 after" \
    "$(q run 'select count(*) from reports')" \
    "$(($(q clean 'select count(*) from reports') + 5))"
is "the checkpoint is past it" \
    "$(q run "select last_uid from mailbox_state")" "$((N + 6))"
is "no strike left" "$(q run 'select count(*) from message_strikes')" 0
"$AC" -c "$T/run.ini" status >"$T/status"
ok "status shows the quarantine" has_line "1 quarantined" "$T/status"
done_testing
