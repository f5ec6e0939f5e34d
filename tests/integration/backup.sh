#!/bin/sh
# backup copies the store while a collect of 20,000 messages writes to
# it: the copy passes integrity_check, holds the store as it was at one
# commit (its tables agree with each other) and opens with status;
# copied back in place, the next collect goes on from there and stores
# nothing twice.  A FILE that cannot be created is named, exit 73.
. "$top_srcdir/tests/lib/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 (the command) is needed"
N=20000
q() { sqlite3 "$1" "$2"; }

python3 "$top_srcdir/tests/lib/genmail.py" --maildir "$T/box" --count $N \
    --seed 11 >/dev/null
cat >"$T/ac.ini" <<X
[store]
path = $T/abuse.db
[source box]
type = maildir
path = box
X

# Counts that a copy taken between two commits of the collect keeps
# equal: each message is marked seen, its report stored and counted into
# its case in the same transaction.
agree() {
	q "$1" "SELECT (SELECT count(*) FROM messages) || ' ' ||
	    (SELECT count(*) FROM local_seen) || ' ' ||
	    (SELECT count(*) FROM reports) || ' ' ||
	    (SELECT coalesce(sum(internal_reports + external_reports), 0)
	    FROM cases)"
}

"$AC" -c "$T/ac.ini" collect >"$T/collect.out" 2>&1 &
acpid=$!
# Well under way: 6,000 messages make a store of more than one step of
# the backup (1024 pages), so that its commits fall between the steps.
i=0
until [ -f "$T/abuse.db" ] &&
    [ "$(q "$T/abuse.db" "SELECT count(*) FROM messages" 2>/dev/null)" \
    -ge 6000 ] 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 2400 ] || ! kill -0 $acpid 2>/dev/null; then
		echo "Bail out! the collect did not store 6,000 messages within 120 s"
		kill -9 $acpid 2>/dev/null
		exit 1
	fi
	sleep 0.05
done
"$AC" -c "$T/ac.ini" -v backup "$T/backups/copy.db" >"$T/b0.out" 2>&1
is "a backup into a missing directory fails with 73" "$?" 73
ok "and names the file" grep -q "'$T/backups/copy.db'" "$T/b0.out"
mkdir "$T/backups"
"$AC" -c "$T/ac.ini" -v backup "$T/backups/copy.db" >"$T/b1.out" 2>&1
is "backup during the collect: exit 0" "$?" 0
sed 's/^/# /' "$T/b1.out"
if kill -0 $acpid 2>/dev/null; then running=yes; else running=no; fi
echo "# the collect was still running when the backup ended: $running"
wait $acpid
is "the collect went on and finished: exit 0" "$?" 0
is "it stored every message" "$(q "$T/abuse.db" \
    "SELECT count(*) FROM messages")" $N

ok "the copy has the store's mode 0600" test \
    "$(stat -c %a "$T/backups/copy.db")" = 600
is "the copy passes integrity_check" \
    "$(q "$T/backups/copy.db" "PRAGMA integrity_check")" ok
set -- $(agree "$T/backups/copy.db")
copied=$1
echo "# the copy holds $copied of $N messages"
is "its messages, marks, reports and case counts agree" "$*" \
    "$copied $copied $copied $copied"
ok "it holds part of the mailbox, not nothing" test "$copied" -gt 0
ls -a "$T/backups" >"$T/left"
is "nothing but the copy is left beside it" "$(grep -vc '^\.*$' \
    "$T/left")" 1
sed "s|path = $T/abuse.db|path = $T/backups/copy.db|" "$T/ac.ini" \
    >"$T/copy.ini"
"$AC" -c "$T/copy.ini" status >"$T/status" 2>&1
is "status opens the copy" "$?" 0
ok "and counts its messages" grep -q "^messages: $copied," "$T/status"

# Restore: no run going, the store's -wal and -shm removed, the copy put
# in its place.
rm -f "$T/abuse.db" "$T/abuse.db-wal" "$T/abuse.db-shm"
cp "$T/backups/copy.db" "$T/abuse.db"
"$AC" -c "$T/ac.ini" collect >"$T/after.out" 2>&1
is "a collect after the restore: exit 0" "$?" 0
is "it stores the rest once: every message once, all agreeing" \
    "$(agree "$T/abuse.db")" "$N $N $N $N"
is "its run took in only what the copy lacked" "$(q "$T/abuse.db" \
    "SELECT messages FROM runs ORDER BY id DESC LIMIT 1")" \
    $((N - copied))

# A second backup over the first replaces it whole.
"$AC" -c "$T/ac.ini" backup "$T/backups/copy.db" >"$T/b2.out" 2>&1
is "a backup over an older one: exit 0" "$?" 0
is "it holds the store now" "$(agree "$T/backups/copy.db")" \
    "$N $N $N $N"
# A store with a damaged page: the copy fails its check, the older copy
# stays.
cp "$T/backups/copy.db" "$T/damaged.db"
sqlite3 "$T/damaged.db" "PRAGMA journal_mode = DELETE" >/dev/null
pages=$(q "$T/damaged.db" "PRAGMA page_count")
printf '\377\377\377\377\377\377\377\377\377\377\377\377' |
    dd of="$T/damaged.db" bs=4096 seek=$((pages / 2)) conv=notrunc \
    2>/dev/null
sed "s|path = $T/abuse.db|path = $T/damaged.db|" "$T/ac.ini" >"$T/damaged.ini"
cp "$T/backups/copy.db" "$T/good.db"
"$AC" -c "$T/damaged.ini" backup "$T/backups/copy.db" >"$T/b5.out" 2>&1
is "a damaged store: the backup fails with 1" "$?" 1
sed 's/^/# /' "$T/b5.out"
ok "it names the copy and the check" grep -q \
    "^abuse-collector: backup $T/backups/copy.db: the copy fails its integrity check: " \
    "$T/b5.out"
ok "the older copy is left as it was" cmp "$T/good.db" "$T/backups/copy.db"
ls -a "$T/backups" >"$T/left"
is "and nothing else beside it" "$(grep -vc '^\.*$' "$T/left")" 1

"$AC" -c "$T/ac.ini" backup "$T/abuse.db" >"$T/b3.out" 2>&1
is "the store itself as FILE is refused (64)" "$?" 64
"$AC" -c "$T/ac.ini" backup >"$T/b4.out" 2>&1
is "no FILE: 64" "$?" 64
done_testing
