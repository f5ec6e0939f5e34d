#!/bin/sh
# status tells the truth about sources and runs: a source whose messages
# were all stored before through another source shows when it last
# fetched one and how many were duplicates (not "never"); a run killed
# with SIGKILL is shown as not finished, and marked interrupted by the
# next run, which holds the lock.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/fakeimap.sh"
GEN="python3 $top_srcdir/tests/lib/genmail.py"

# Two Maildirs with the same three messages.
$GEN --maildir "$T/first" --count 3 --seed 4
mkmaildir "$T/again"
cp "$T"/first/new/* "$T/again/new/"
cat >"$T/two.ini" <<X
[store]
path = $T/abuse.db
[source first]
type = maildir
path = first
[source again]
type = maildir
path = again
X
"$AC" -c "$T/two.ini" collect >"$T/out" 2>&1
is "two sources with the same messages: exit 0" "$?" 0
"$AC" -c "$T/two.ini" status >"$T/status" 2>&1
sed 's/^/# /' "$T/status"
ok "the first source stored them" grep -q \
    "^  3 messages: 3 parsed, 0 quarantined, 0 ignored; 0 duplicates" \
    "$T/status"
ok "the second is listed with its folder" grep -q \
    "^source again, folder $T/again:" "$T/status"
ok "it fetched them, and says when" grep -Eq \
    "^  last message stored never, last fetched [0-9]{4}-[0-9]{2}-[0-9]{2}T" \
    "$T/status"
ok "all three were duplicates" grep -q \
    "^  0 messages: 0 parsed, 0 quarantined, 0 ignored; 3 duplicates of messages stored before" \
    "$T/status"

# A run killed while it waits for a message's body.
fake_start stall-literal --log "$T/commands"
ini timeout=60s
rm -f "$T/abuse.db"
"$AC" -c "$T/ac.ini" collect >"$T/out" 2>&1 &
acpid=$!
i=0
while [ "$(grep -c ' UID FETCH' "$T/commands" 2>/dev/null)" -lt 2 ]; do
	i=$((i + 1))
	if [ $i -gt 400 ]; then
		echo "Bail out! the collector did not ask for the bodies"
		kill -9 $acpid
		exit 1
	fi
	sleep 0.05
done
kill -9 $acpid
{ wait $acpid; } 2>/dev/null
is "the collector was killed" "$?" 137
fake_stop
"$AC" -c "$T/ac.ini" status >"$T/status" 2>&1
sed 's/^/# /' "$T/status"
ok "status: the last run did not finish" grep -q \
    "^last run: .* (not finished: running now, or interrupted)$" \
    "$T/status"

fake_start good
ini
"$AC" -c "$T/ac.ini" collect >"$T/out" 2>&1
is "the next run: exit 0" "$?" 0
is "it marks the killed run interrupted" \
    "$(q "SELECT id, status IS NULL, finished_at IS NULL FROM runs
        WHERE error LIKE 'interrupted: %'")" "1|1|1"
is "and finishes itself" \
    "$(q "SELECT status FROM runs WHERE id = 2")" 0
"$AC" -c "$T/ac.ini" status >"$T/status" 2>&1
sed 's/^/# /' "$T/status"
ok "status: the last run finished" grep -q "^last run: .* (exit status 0)$" \
    "$T/status"
ok "status: one run was interrupted" grep -q "^interrupted runs: 1 " \
    "$T/status"
fake_stop

done_testing
