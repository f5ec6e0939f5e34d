#!/bin/sh
# A valid message that kills the collector while it is parsed (here: it
# needs more address space than the run has) stops the Maildir for two
# runs, not for good: the third run stores it as quarantined, with its
# raw bytes and unparsed, and every other message exactly once.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/aslimit.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
as_require

N=100
python3 "$top_srcdir/tests/lib/genmail.py" --maildir "$T/box" --count "$N" \
    --seed 5 --customers 20
conf() {	# NAME: a configuration with its own store
	printf '[store]\npath = %s\n[source box]\ntype = maildir\npath = %s\n' \
	    "$T/$1.db" "$T/box" >"$T/$1.ini"
}
q() { sqlite3 "$T/$1.db" "$2"; }

# What a clean run makes of the other messages, and the address space it
# needs (a fresh store each time).
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

# About 6 MB, and parsing it needs about 7 times that: reading it fits in
# what the others need plus 40 MiB, parsing it does not.
python3 "$top_srcdir/tests/lib/gennested.py" \
    --out "$T/box/new/1700000050.M50P7.poison"
size=$(wc -c <"$T/box/new/1700000050.M50P7.poison")
limit=$((floor + 40))
conf run
as_run "$limit" -c "$T/run.ini" collect >"$T/out1" 2>&1
st=$?
ok "run 1 dies in $limit MiB (status $st)" test "$st" -ge 128
ok "of a failed allocation" has_line "out of memory" "$T/out1"
is "nothing is stored" "$(q run 'select count(*) from messages')" 0

as_run "$limit" -c "$T/run.ini" collect >"$T/out2" 2>&1
st=$?
ok "run 2 names the message the last run died on" has_line \
    "box: folder $T/box: message 1700000050.M50P7.poison: the last run died while parsing it" \
    "$T/out2"
ok "and dies too (status $st)" test "$st" -ge 128
is "one strike is kept, against that message" \
    "$(q run 'select position, strikes, phase from message_strikes')" \
    "1700000050.M50P7.poison|1|parsing"
"$AC" -c "$T/run.ini" status >"$T/status"
ok "status shows it" has_line "source box, folder $T/box: message 1700000050.M50P7.poison: 1 run(s) died while working on it, the last while parsing it" "$T/status"

as_run "$limit" -c "$T/run.ini" collect >"$T/out3" 2>&1
is "run 3 exits 0" "$?" 0
ok "it quarantines the message" has_line \
    "quarantined: the collector died 2 times while working on this message (last while parsing it); stored without parsing" \
    "$T/out3"
is "every message stored once" \
    "$(q run 'select count(*) || " " || count(distinct sha256) from messages')" \
    "$((N + 1)) $((N + 1))"
is "the one quarantined is that message, with its raw bytes" \
    "$(q run "select count(*) || ' ' || sum(length(raw)) from messages
        where status = 'quarantined'")" "1 $size"
is "the others give the reports of the clean run" \
    "$(q run 'select count(*) from reports')" \
    "$(q clean 'select count(*) from reports')"
is "every file remembered once" "$(q run 'select count(*) from local_seen')" \
    "$((N + 1))"
is "no strike left" "$(q run 'select count(*) from message_strikes')" 0
"$AC" -c "$T/run.ini" status >"$T/status"
ok "status shows the quarantine" has_line "quarantine: 1 messages" \
    "$T/status"

"$AC" -c "$T/run.ini" collect
is "a run after it exits 0" "$?" 0
is "and stores nothing again" "$(q run 'select count(*) from messages')" \
    "$((N + 1))"
done_testing
