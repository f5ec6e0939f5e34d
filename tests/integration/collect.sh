#!/bin/sh
# Collecting: dry runs change nothing, mbox and import work, a source that
# cannot be read does not stop the others (exit 75), one run at a time.
. "$top_srcdir/tests/lib/lib.sh"
GEN="python3 $top_srcdir/tests/lib/genmail.py"

$GEN --maildir "$T/a" --count 40 --seed 1
$GEN --mbox "$T/b.mbox" --count 30 --seed 2
cat >"$T/c.ini" <<X
[store]
path = $T/db/abuse.db
[source a]
type = maildir
path = a
[source b]
type = mbox
path = b.mbox
[source gone]
type = maildir
path = does-not-exist
X
"$AC" -c "$T/c.ini" --dry-run collect >"$T/out" 2>&1
is "a dry run with an unreadable source exits 75" "$?" 75
ok "a dry run creates no store" test ! -e "$T/db/abuse.db"
ok "a dry run creates no store directory and no lock" test ! -e "$T/db"
ok "the unreadable source is named" grep -q "gone: cannot" "$T/out"

"$AC" -c "$T/c.ini" collect >"$T/out" 2>&1
is "collect with an unreadable source exits 75" "$?" 75
n=$("$AC" -c "$T/c.ini" reports | tail -n +2 | wc -l)
is "the readable sources were collected (40 + 30)" "$n" 70
"$AC" -c "$T/c.ini" -n collect >/dev/null 2>&1
$GEN --maildir "$T/a2" --count 5 --seed 9
cp "$T"/a2/new/* "$T/a/new/"
rm -f "$T/db/abuse.db.lock"
ls -A "$T/db" >"$T/db.before"
"$AC" -c "$T/c.ini" --dry-run -v collect >"$T/out" 2>&1
ok "a dry run sees the new mail" grep -q "5 new reports" "$T/out"
ls -A "$T/db" >"$T/db.after"
ok "a dry run leaves no file beside the store (lock, -wal, -shm, inflight)" \
    cmp "$T/db.before" "$T/db.after"
n=$("$AC" -c "$T/c.ini" reports | tail -n +2 | wc -l)
is "a dry run stores nothing" "$n" 70
"$AC" -c "$T/c.ini" -v collect >"$T/out" 2>&1
ok "the next run stores only the new mail" grep -q "^5 messages: 5 new reports" "$T/out"

# import: a file, a Maildir and an mbox; known mail is not counted again.
"$AC" -c "$T/c.ini" -v import "$T/b.mbox" "$T/a2" >"$T/out" 2>&1
is "import exits 0" "$?" 0
ok "imported known mail is recognised as known" grep -q "0 new reports, 35 duplicates" "$T/out"
$GEN --one external --seed 77 >"$T/one.eml"
"$AC" -c "$T/c.ini" -v import "$T/one.eml" >"$T/out" 2>&1
ok "import of one file" grep -q "1 new reports" "$T/out"
# The same incident in a re-sent report (other bytes, same report key)
# is one report.
sed -e 's/^Message-ID: <report-/Message-ID: <resent-/' "$T/one.eml" \
    >"$T/one-resent.eml"
"$AC" -c "$T/c.ini" -v import "$T/one-resent.eml" >"$T/out" 2>&1
ok "a re-sent report of a known incident is a duplicate" grep -q "0 new reports, 1 duplicates" "$T/out"
is "the re-sent report is stored as a message of its own" "$(sqlite3 "$T/db/abuse.db" \
    "select count(*) from messages where report_msgid like '<resent-%'")" 1
mkdir "$T/notmail"
"$AC" -c "$T/c.ini" import "$T/notmail" >"$T/out" 2>&1
is "import of a directory that is not a Maildir exits 64" "$?" 64
ok "and says why" grep -q "not a Maildir" "$T/out"

# One run at a time: hold the lock and try.
python3 - "$T/db/abuse.db.lock" <<'P' &
import fcntl, sys, time
f = open(sys.argv[1], "w")
fcntl.flock(f, fcntl.LOCK_EX)
f.write("4242\n"); f.flush()
open(sys.argv[1] + ".held", "w").close()
time.sleep(30)
P
holder=$!
at_exit "kill $holder 2>/dev/null"
for i in $(seq 50); do [ -e "$T/db/abuse.db.lock.held" ] && break; sleep 0.1; done
"$AC" -c "$T/c.ini" collect >"$T/out" 2>&1
is "a second concurrent run exits 75" "$?" 75
ok "and names the lock" grep -q "another run holds the lock $T/db/abuse.db.lock" "$T/out"
kill $holder 2>/dev/null
done_testing
