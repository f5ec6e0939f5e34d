#!/bin/sh
# kill -9 during collect, again and again, then a normal run: every
# message is stored exactly once, with the same result as one clean run.
. "$top_srcdir/tests/lib/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
N=${KILL_TEST_MESSAGES:-5000}
python3 "$top_srcdir/tests/lib/genmail.py" --maildir "$T/box" --count "$N" \
    --seed 5 --customers 200
for d in clean killed; do
	cat >"$T/$d.ini" <<X
[store]
path = $T/$d.db
[source box]
type = maildir
path = box
[resolver]
trusted_hosts = smtp1.example.net, smtp2.example.net, 192.0.2.24/29, filter1.mailguard.example.org
X
done

"$AC" -c "$T/clean.ini" collect
is "a clean run exits 0" "$?" 0

kills=0
for round in 1 2 3 4 5 6 7 8; do
	"$AC" -c "$T/killed.ini" collect 2>/dev/null &
	pid=$!
	# A different moment each round, from very early (before the first
	# commit) to late (a whole run takes a few tenths of a second).
	sleep "0.0$(( (round * 37) % 9 + 1 ))"
	if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
	wait "$pid" 2>/dev/null
done
ok "the collector was killed at least once mid-run ($kills times)" test "$kills" -ge 1
"$AC" -c "$T/killed.ini" collect
is "the run after the kills exits 0" "$?" 0

q() { sqlite3 "$T/$1.db" "$2"; }
is "every message stored once" "$(q killed 'select count(*) from messages')" "$N"
is "no message hash twice" "$(q killed 'select count(distinct sha256) from messages')" "$N"
is "every file remembered once" "$(q killed 'select count(*) from local_seen')" "$N"
is "the same reports as a clean run" \
    "$(q killed 'select count(*) from reports')" "$(q clean 'select count(*) from reports')"
is "the same cases as a clean run" \
    "$(q killed 'select group_concat(customer || day || internal_reports || external_reports, ";") from (select * from cases order by customer, day)')" \
    "$(q clean 'select group_concat(customer || day || internal_reports || external_reports, ";") from (select * from cases order by customer, day)')"
is "case.opened once per case of a customer" \
    "$(q killed "select count(*) from events where kind = 'case.opened'")" \
    "$(q killed "select count(*) from cases where customer != '(unresolved)'")"
ok "customers were found (events to count)" \
    test "$(q killed "select count(*) from events")" -gt 100
done_testing
