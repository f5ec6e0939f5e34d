#!/bin/sh
# The files the collector writes.  Summaries are written under a fresh
# temporary name: a symbolic link planted at any name a process id would
# give is never followed.  The store, its -wal and -shm, the lock and the
# summaries are 0600 whatever the umask (0640 and the group with [store]
# group; [report] mode for summaries), and an older store with a wider
# mode is narrowed once, said with -v.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python sqlite3

# mode [group] of each file named, one line
modes() {
	for f in "$@"; do
		[ -e "$f" ] || { echo "$f: missing"; continue; }
		stat -c '%n %#a %G' "$f"
	done
}
# modes as they should be: want MODE GROUP FILE...
want() {
	local m=$1 g=$2
	shift 2
	for f in "$@"; do echo "$f $m $g"; done
}

base_config
mkreport internal 192.0.2.10 10:00 'a' 2 a
mkreport external 192.0.2.10 11:00 'a' 1 b
cd "$T" || exit 1
MYGROUP=$(id -gn)

# A process that keeps the store open (so that -wal and -shm stay after
# the collector has closed it) until its standard input closes.
hold_store() {
	rm -f "$T/held" "$T/hold.in"
	mkfifo "$T/hold.in"
	"$PY" -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("SELECT count(*) FROM sqlite_master").fetchall()
open(sys.argv[2], "w").write("held\n")
sys.stdin.read()
' "$1" "$T/held" <"$T/hold.in" &
	HOLD_PID=$!
	exec 3>"$T/hold.in"
	wait_file "$T/held" 10 || { echo "# the store was not opened" >&2; return 1; }
}
release_store() {
	exec 3>&-
	wait "$HOLD_PID"
}

# 1. Symbolic links at every temporary name a process id would give, the
# collector's own among them, point at a file that must stay unchanged.
printf 'precious\n' >victim
chmod 600 victim
"$AC" -c ac.ini collect 2>collect.err
ok "collect" test -s var/abuse.db
mkdir -p out
sh -c '
	lo=$(($$ - 200)); hi=$(($$ + 300))
	[ "$lo" -gt 1 ] || lo=2
	for p in $(seq "$lo" "$hi"); do
		for n in summary-$1.csv reports-$1.csv summary-$1.html; do
			ln -s ../victim "out/.$n.$p"
		done
	done
	exec "$2" -c ac.ini report --date "$1"' sh "$DAY" "$AC" 2>report.err
is "report succeeds beside the planted links" "$?:$(cat report.err)" "0:"
is "the file they point at is unchanged" "$(cat victim)" "precious"
ok "the summaries are regular files" test -f "out/summary-$DAY.csv" -a \
    ! -L "out/summary-$DAY.csv" -a -f "out/summary-$DAY.html" -a \
    ! -L "out/summary-$DAY.html" -a ! -L "out/reports-$DAY.csv"
ok "summary-D.csv has its header" has_line '^date,customer,' \
    "out/summary-$DAY.csv"
is "no temporary file is left" \
    "$(find out -name '.*' ! -type l | wc -l)" 0
rm -rf out var

# 2. Modes under umask 022 and 000.
for u in 022 000; do
	rm -rf out var
	( umask "$u"; "$AC" -c ac.ini collect &&
	    "$AC" -c ac.ini report --date "$DAY" ) 2>"u$u.err"
	is "umask $u: collect and report succeed" "$?:$(cat "u$u.err")" "0:"
	hold_store var/abuse.db
	( umask "$u"; "$AC" -c ac.ini collect ) 2>"u$u.err2"
	is "umask $u: store, -wal, -shm, lock and summaries are 0600" \
	    "$(modes var/abuse.db var/abuse.db-wal var/abuse.db-shm \
	    var/abuse.db.lock out/summary-$DAY.csv out/reports-$DAY.csv \
	    out/summary-$DAY.html)" \
	    "$(want 0600 "$MYGROUP" var/abuse.db var/abuse.db-wal \
	    var/abuse.db-shm var/abuse.db.lock out/summary-$DAY.csv \
	    out/reports-$DAY.csv out/summary-$DAY.html)"
	release_store
done

# 3. A group: the files are 0640 and belong to it.  Any group the user
# may give files to: root any, others one of their own.
if [ "$(id -u)" -eq 0 ]; then
	G=$(getent group | cut -d: -f1 | grep -vx "$MYGROUP" | head -1)
else
	G=$(id -Gn | tr ' ' '\n' | grep -vx "$MYGROUP" | head -1)
fi
if [ -n "$G" ]; then
	rm -rf out var
	cp ac.ini plain.ini
	sed -i "s/^\[store\]\$/[store]\ngroup = $G/" ac.ini
	( umask 022; "$AC" -c ac.ini collect &&
	    "$AC" -c ac.ini report --date "$DAY" ) 2>g.err
	is "with a group: collect and report succeed" "$?:$(cat g.err)" "0:"
	hold_store var/abuse.db
	( umask 022; "$AC" -c ac.ini collect ) 2>g.err2
	is "with a group: all are 0640 and of group $G" \
	    "$(modes var/abuse.db var/abuse.db-wal var/abuse.db-shm \
	    var/abuse.db.lock out/summary-$DAY.csv out/reports-$DAY.csv \
	    out/summary-$DAY.html)" \
	    "$(want 0640 "$G" var/abuse.db var/abuse.db-wal \
	    var/abuse.db-shm var/abuse.db.lock out/summary-$DAY.csv \
	    out/reports-$DAY.csv out/summary-$DAY.html)"
	release_store
	ok "check-config shows the group" has_line "^group = $G\$" \
	    "$("$AC" -c ac.ini check-config >cc.out 2>&1; echo cc.out)"
	mv plain.ini ac.ini
else
	echo "ok - # SKIP no second group to try [store] group with"
	tap_n=$((tap_n + 1))
fi

# 4. [report] mode.
rm -rf out
printf '[report]\noutput_dir = out\nmode = 0644\n' >rep.ini
sed '/^\[report\]/,$d' ac.ini >mode.ini
cat rep.ini >>mode.ini
chmod 600 mode.ini
( umask 077; "$AC" -c mode.ini report --date "$DAY" ) 2>m.err
is "[report] mode = 0644: the summaries are 0644, whatever the umask" \
    "$(modes out/summary-$DAY.csv out/reports-$DAY.csv \
    out/summary-$DAY.html)" \
    "$(want 0644 "$MYGROUP" out/summary-$DAY.csv out/reports-$DAY.csv \
    out/summary-$DAY.html)"
for bad in 644 0666 0755 0200 0o644 01644; do
	sed "s/^mode = .*/mode = $bad/" mode.ini >bad.ini
	"$AC" -c bad.ini check-config >/dev/null 2>bad.err
	ok "[report] mode = $bad is refused" has_line \
	    "bad.ini:[0-9]*: \[report\] mode: " bad.err
done
printf '[store]\npath = var/abuse.db\ngroup = no-such-group-here\n' >bad.ini
"$AC" -c bad.ini check-config >/dev/null 2>bad.err
ok "a group that does not exist is refused" has_line \
    "bad.ini:3: \[store\] group: no group 'no-such-group-here'" bad.err

# 5. A store an older version left 0644 (with its -wal and -shm, held
# open) is narrowed on open, and that is said once with -v.  (SQLite
# itself gives an empty -wal the store's mode.)
rm -rf var
"$AC" -c ac.ini collect 2>/dev/null
chmod 644 var/abuse.db
hold_store var/abuse.db
chmod 644 var/abuse.db-wal var/abuse.db-shm
"$AC" -c ac.ini -v collect 2>v.err
is "a wider store, -wal and -shm are narrowed to 0600" \
    "$(modes var/abuse.db var/abuse.db-wal var/abuse.db-shm)" \
    "$(want 0600 "$MYGROUP" var/abuse.db var/abuse.db-wal \
    var/abuse.db-shm)"
ok "which -v says for the store" has_line \
    "/abuse.db had mode 0644; now 0600\$" v.err
ok "and for its -shm" has_line "/abuse.db-shm had mode 0644; now 0600\$" \
    v.err
"$AC" -c ac.ini -v collect 2>v2.err
is "and not again" "$(grep -c 'had mode' v2.err)" 0
release_store
chmod 644 var/abuse.db
"$AC" -c ac.ini -n collect 2>n.err
is "a dry run changes no mode" "$?:$(stat -c %a var/abuse.db)" "0:644"

# 6. A symbolic link at the store's place is refused, not followed.
rm -rf var/*
ln -s ../victim var/abuse.db
"$AC" -c ac.ini collect 2>l.err
ok "a store that is a symbolic link is refused" test "$?" -ne 0
ok "naming it" has_line "abuse.db': it is a symbolic link" l.err
is "the file it points at is unchanged" "$(cat victim)" "precious"
done_testing
