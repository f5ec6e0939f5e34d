#!/bin/sh
# A source that cannot be read says why in the system's words, naming the
# path; status shows each source's last error and when it happened, while
# it lasts (since when, how many collections in a row) and, once the
# source went through again, that it did.
. "$top_srcdir/tests/lib/lib.sh"
GEN="python3 $top_srcdir/tests/lib/genmail.py"

$GEN --maildir "$T/good" --count 3 --seed 5
: >"$T/plain"
mkdir -p "$T/nocur/new" "$T/dir.mbox"
cat >"$T/c.ini" <<X
[store]
path = $T/abuse.db
[source good]
type = maildir
path = good
[source gone]
type = maildir
path = does-not-exist
[source plain]
type = maildir
path = plain
[source nocur]
type = maildir
path = nocur
[source box]
type = mbox
path = dir.mbox
[source nobox]
type = mbox
path = no.mbox
X
"$AC" -c "$T/c.ini" collect >"$T/out" 2>&1
is "unreadable sources: exit 75" "$?" 75
sed 's/^/# /' "$T/out"
ok "a missing Maildir: the path and the system's reason" has_line \
    "gone: cannot read Maildir '$T/does-not-exist': No such file or directory" \
    "$T/out"
ok "a regular file as Maildir: not a directory" has_line \
    "plain: cannot read Maildir '$T/plain': not a directory" "$T/out"
ok "a Maildir without cur/: which directory, and why" has_line \
    "nocur: cannot read Maildir '$T/nocur': cur/: No such file or directory" \
    "$T/out"
ok "a directory as mbox: says so" has_line \
    "box: cannot open mbox '$T/dir.mbox': a directory, not an mbox file" \
    "$T/out"
ok "a missing mbox: the system's reason" has_line \
    "nobox: cannot open mbox '$T/no.mbox': No such file or directory" \
    "$T/out"
ok "no libetpan error numbers" sh -c "! grep -q 'libetpan error' '$T/out'"
is "the readable source was collected" \
    "$("$AC" -c "$T/c.ini" reports | tail -n +2 | wc -l)" 3

# A second failing collection, then cur/ appears.
"$AC" -c "$T/c.ini" collect >/dev/null 2>&1
mkdir "$T/nocur/cur"
"$AC" -c "$T/c.ini" collect >/dev/null 2>&1
"$AC" -c "$T/c.ini" status >"$T/status" 2>&1
is "status exits 0" "$?" 0
sed 's/^/# /' "$T/status"
D='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z'
ok "a failing source: since when, how often, never went through" grep -Eq \
    "^source gone: failing since $D \(3 collections in a row; last without error: never\)$" \
    "$T/status"
ok "and its last error, with its time" grep -Eq \
    "^  last error $D: gone: cannot read Maildir '$T/does-not-exist': No such file or directory$" \
    "$T/status"
ok "a source that went through since: its last error and when it was ok" \
    grep -Eq \
    "^source nocur: last error $D: nocur: cannot read Maildir '$T/nocur': cur/: No such file or directory \(since then: ok at $D\)$" \
    "$T/status"
ok "a source that never failed shows no error" sh -c \
    "! grep -q '^source good: .*error' '$T/status'"

# It fails again after going through: counted from the new failure.
rmdir "$T/nocur/cur"
"$AC" -c "$T/c.ini" collect >/dev/null 2>&1
"$AC" -c "$T/c.ini" status >"$T/status" 2>&1
ok "failing again: one collection in a row, and when it last went through" \
    grep -Eq \
    "^source nocur: failing since $D \(1 collection in a row; last without error: $D\)$" \
    "$T/status"

# A source no longer configured is not shown.
sed -e '/^\[source gone\]/,/^path = does-not-exist/d' "$T/c.ini" >"$T/d.ini"
"$AC" -c "$T/d.ini" status >"$T/status" 2>&1
ok "a source removed from the configuration is not shown" sh -c \
    "! grep -q '^source gone' '$T/status'"

# A dry run records nothing.
"$AC" -c "$T/c.ini" status >"$T/before" 2>&1
"$AC" -c "$T/c.ini" --dry-run collect >/dev/null 2>&1
"$AC" -c "$T/c.ini" status >"$T/after" 2>&1
ok "a dry run leaves the sources' errors as they were" cmp "$T/before" "$T/after"

done_testing
