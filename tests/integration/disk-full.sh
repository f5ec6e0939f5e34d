#!/bin/sh
# A full disk is a temporary failure: collect and run exit 75 naming the
# store's file system and what to free, and the run after space was freed
# stores every message exactly once.  A summary that cannot be written
# for want of space is the same.  The store lives on a small tmpfs that
# the test mounts (as root) and fills.
. "$top_srcdir/tests/lib/lib.sh"
GEN="python3 $top_srcdir/tests/lib/genmail.py"

mkdir "$T/fs"
mount -t tmpfs -o size=8m,mode=0755 tmpfs "$T/fs" 2>"$T/mount.err" ||
    skip_all "cannot mount a tmpfs here ($(cat "$T/mount.err")); run as root with CAP_SYS_ADMIN"
at_exit "umount '$T/fs'"

# Fill the file system but for about 1.5 MiB: a batch fits, not all.
fill() {
	dd if=/dev/zero of="$T/fs/filler" bs=64k 2>/dev/null
	truncate -s "-$1" "$T/fs/filler"
}
count() { sqlite3 "$T/fs/abuse.db" "$1"; }

N=1500
$GEN --maildir "$T/m" --count $N --seed 3
mkmaildir "$T/empty"
cat >"$T/c.ini" <<X
[store]
path = $T/fs/abuse.db
[source box]
type = maildir
path = $T/m
X
sed -e "s|^path = $T/m\$|path = $T/empty|" "$T/c.ini" >"$T/empty.ini"
"$AC" -c "$T/empty.ini" collect >"$T/out" 2>&1
is "the store is made on the tmpfs" "$?" 0

fill 1500K
"$AC" -c "$T/c.ini" -v collect >"$T/out" 2>&1
is "collect on a full disk exits 75 (temporary failure)" "$?" 75
sed 's/^/# /' "$T/out"
ok "the error names the store and SQLite's reason" has_line \
    "store $T/fs/abuse.db: .*: database or disk is full" "$T/out"
ok "and the file system to free space on" has_line \
    "; free space on the file system mounted on $T/fs (.* of 8\.0 MiB free) and run again$" \
    "$T/out"
ok "no internal error" sh -c "! grep -qi 'internal' '$T/out'"
first=$(count "SELECT count(*) FROM messages")
ok "not everything was stored ($first of $N)" test "$first" -lt $N
ok "-v says how many were committed" has_line \
    "^box: [0-9]* messages read, $first committed: " "$T/out"
ok "and that the rest was rolled back" has_line \
    " ignored; [0-9]* of them not committed (rolled back)$" "$T/out"

# run stops there too, and writes no summary.
"$AC" -c "$T/c.ini" run >"$T/out" 2>&1
is "run on a full disk exits 75" "$?" 75
sed 's/^/# /' "$T/out"
ok "run names the file system too" has_line \
    "free space on the file system mounted on $T/fs" "$T/out"
ok "one error, no warnings after it" test "$(wc -l <"$T/out")" -eq 1
"$AC" -c "$T/c.ini" status >"$T/out" 2>&1
ok "the run recorded its end (status 75) in spite of the full disk" \
    has_line "^last run: .* (exit status 75)$" "$T/out"

rm -f "$T/fs/filler"
"$AC" -c "$T/c.ini" -v collect >"$T/out" 2>&1
is "with space freed, collect exits 0" "$?" 0
sed 's/^/# /' "$T/out"
is "every message is stored" "$(count "SELECT count(*) FROM messages")" $N
is "each once" "$(count "SELECT count(DISTINCT sha256) FROM messages")" $N
is "one report per message" "$(count "SELECT count(*) FROM reports")" $N
ok "none seen as a duplicate" has_line "^box: .* 0 duplicates," "$T/out"
"$AC" -c "$T/c.ini" -v collect >"$T/out" 2>&1
ok "a run after that reads nothing again" has_line \
    "^box: 0 messages read, 0 committed" "$T/out"

# A summary on a full disk (another one; the store has room): 75, and
# where to free space.
mkdir "$T/outfs"
mount -t tmpfs -o size=4m,mode=0755 tmpfs "$T/outfs" 2>"$T/mount.err" || {
	echo "Bail out! a second tmpfs: $(cat "$T/mount.err")"
	exit 1
}
at_exit "umount '$T/outfs'"
dd if=/dev/zero of="$T/outfs/filler" bs=4k 2>/dev/null
"$AC" -c "$T/c.ini" report --date 2026-11-20 --out "$T/outfs/reports" \
    >"$T/out.txt" 2>&1
is "report on a full disk exits 75" "$?" 75
sed 's/^/# /' "$T/out.txt"
ok "it names the file and the file system" has_line \
    "cannot write '$T/outfs/reports/.*': No space left on device; free space on the file system mounted on $T/outfs (0 bytes of 4.0 MiB free) and run again" \
    "$T/out.txt"
ok "and leaves no partial file" sh -c "! ls -A '$T/outfs/reports' | grep -q ."
rm -f "$T/outfs/filler"
"$AC" -c "$T/c.ini" report --date 2026-11-20 --out "$T/outfs/reports" \
    >"$T/out.txt" 2>&1
is "with space freed, report exits 0" "$?" 0
ok "and writes the summary" test -s "$T/outfs/reports/summary-2026-11-20.html"

done_testing
