#!/bin/sh
# Retention: a store filled with a year of reports (dated in the past,
# collected month by month) loses what is older than [store] keep to
# prune, and the pages that hold its rows shrink by at least the share of
# rows pruned (a copy pruned alone: the collect beside the prune below
# writes too, as much as its timing makes it);
# --dry-run counts the same and changes nothing; the same Maildir read
# again, or imported, counts nothing again (the hashes of the pruned
# messages stay); [report] keep removes only old summary files; a
# collect beside a prune goes through, and no transaction of the prune
# deletes more than PRUNE_BATCH rows; run prunes once a day; a store
# made before retention is switched to incremental vacuum.
# AC_TEST_QUICK=1 makes the year thinner.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python email
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"
base_config
cat >>"$T/ac.ini" <<EOT
keep = 30d
[store]
keep = 180d
EOT
cd "$T" || exit 1
per_week=48
[ "${AC_TEST_QUICK:-0}" = 1 ] && per_week=12
batch=$(sed -n 's/^#define PRUNE_BATCH[ 	]*\([0-9]*\).*/\1/p' \
    "$top_srcdir/collector/bounds.h")

# 52 weeks, oldest first, one day of reports each, collected every four
# weeks as they would have come in.  The day of week i is 7i+1 days ago:
# with keep = 180d the 26 weeks from i = 26 on are older.
ips="192.0.2.10 192.0.2.20 198.51.100.5 203.0.113.3"
i=51
while [ "$i" -ge 0 ]; do
	ip=$(echo $ips | cut -d' ' -f$((i % 4 + 1)))
	day=$(date -u -d "$((7 * i + 1)) days ago" +%Y-%m-%d)
	# They arrived that day too (a Maildir file's time).
	rm -rf week
	"$PY" "$LIBDIR/mkreports.py" week internal "$ip" "${day}T10:00:00Z" \
	    "Week $i" "$per_week" "w${i}-"
	touch -d "${day}T12:00:00Z" week/new/*
	mv week/new/* md/new/
	if [ $((i % 4)) = 0 ]; then
		"$AC" -c ac.ini -q collect >>collect.log 2>&1 ||
		    echo "# collect of week $i: $?"
	fi
	# After the first collect: make it a store of the code before
	# retention (no incremental vacuum, no migrations 16 and 17).
	if [ "$i" = 48 ]; then
		V=$(q "PRAGMA user_version")
		q "DROP TABLE message_gone; DROP TABLE retention;
		    DROP INDEX reports_message; DROP INDEX outbox_event;
		    DROP INDEX events_day; DROP INDEX run_errors_run;
		    DROP INDEX case_flips_correction;
		    DROP INDEX messages_arrival;
		    DROP INDEX outbox_action_order;
		    PRAGMA user_version = $((V - 2));
		    PRAGMA auto_vacuum = NONE; VACUUM" >/dev/null
		is "an older store has no incremental vacuum" \
		    "$(q "PRAGMA auto_vacuum")" 0
	fi
	i=$((i - 1))
done
total=$((52 * per_week))
is "a year of reports collected" \
    "$(q "SELECT count(*) FROM reports")|$(q "SELECT count(*) FROM messages")" \
    "$total|$total"
is "the older store was switched over once" \
    "$(q "PRAGMA auto_vacuum")|$(q "SELECT vacuum_switch FROM retention")" \
    "2|0"
is "check-config: keep, keep_quarantine, max_report_age follows keep" \
    "$("$AC" -c ac.ini check-config 2>/dev/null | grep -E '^(keep|keep_quarantine|max_report_age) =' | tr '\n' ' ')" \
    "keep = 180d keep_quarantine = 90d max_report_age = 15552000s keep = 30d "

# Summary files: old and new ones of the program, and others.
old_day=$(date -u -d '40 days ago' +%Y-%m-%d)
new_day=$(date -u -d '20 days ago' +%Y-%m-%d)
mkdir -p out
for f in "summary-$old_day.csv" "reports-$old_day.csv" \
    "summary-$old_day.html" "summary-$new_day.html" \
    "reports-$old_day.html" "notes-$old_day.csv" "customer-x.html"; do
	echo x >"out/$f"
done

# The dry run counts and changes nothing.
horizon=$(date -u -d '180 days ago' +%Y-%m-%d)
old_reports=$(q "SELECT count(*) FROM reports WHERE day < '$horizon'")
is "half the weeks are older than keep" "$old_reports" $((26 * per_week))
# Notices ([notify]): one of an old day queued then, one of an old day
# queued yesterday (it still counts for min_interval), one of a kept day.
now=$(date +%s)
q "INSERT INTO notices (key, customer, day, event, queued_at, rcpt)
    VALUES ('n-old', 'c1', '$(date -u -d '200 days ago' +%Y-%m-%d)',
    'case.confirmed', $((now - 200 * 86400)), 'a@c1.example'),
    ('n-late', 'c1', '$(date -u -d '200 days ago' +%Y-%m-%d)',
    'case.escalated', $((now - 86400)), 'a@c1.example'),
    ('n-new', 'c1', '$(date -u -d '10 days ago' +%Y-%m-%d)',
    'case.confirmed', $((now - 10 * 86400)), 'a@c1.example')"
q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
sum_before=$(q .dump | sha256sum)
ok "prune --dry-run" sh -c "'$AC' -c ac.ini prune --dry-run >dry.out"
is "it counts the old reports, messages and files" \
    "$(grep -E '^  (reports|messages|summary files) ' dry.out | tr -s ' ' | tr '\n' ' ')" \
    " reports $old_reports  messages $old_reports  summary files 3 "
is "and changes nothing" "$(q .dump | sha256sum)" "$sum_before"
is "not even the summary files" "$(ls out | wc -l)" 7
is "status: never pruned" "$("$AC" -c ac.ini status | grep '^last prune')" \
    "last prune: never"

# Every row of every table of the store $1.
rows() {
	sqlite3 "$1" "SELECT 'SELECT ' || group_concat('(SELECT count(*) FROM \"'
	    || name || '\")', ' + ') FROM sqlite_schema WHERE type = 'table'" |
	    sqlite3 "$1"
}

# A copy, to be pruned alone below.
q ".backup solo.db"
sed 's|^path = var/abuse.db$|path = solo.db|' ac.ini >solo.ini

# The prune, with a collect beside it.
"$AC" -c ac.ini -vv prune >prune.out 2>prune.log &
pid=$!
ok "a collect beside the prune goes through" sh -c \
    "'$AC' -c ac.ini -v collect 2>beside.log"
wait $pid
is "prune exits 0" "$?" 0
# It may find the files of the messages pruned so far forgotten: they
# are read again, and known.
ok "and counts nothing new" grep -q "messages: 0 new reports" beside.log
is "it removed the old reports and messages" \
    "$(grep -E '^  (reports|messages) ' prune.out | tr -s ' ' | tr '\n' ' ')" \
    " reports $old_reports  messages $old_reports "
largest=$(sed -n 's/.*prune: .*: \([0-9]*\) rows in one transaction.*/\1/p' \
    prune.log | sort -n | tail -1)
ok "no transaction deleted more than $batch rows (largest: ${largest:-none})" \
    test -n "$largest" -a "${largest:-0}" -le "$batch"
is "what stays is the newer half" \
    "$(q "SELECT count(*) FROM reports WHERE day < '$horizon'")|$(q "SELECT count(*) FROM cases WHERE day < '$horizon'")|$(q "SELECT count(*) FROM reports")|$(q "SELECT count(*) FROM message_gone")" \
    "0|0|$((total - old_reports))|$old_reports"
is "the old notice went; one queued within keep stays, with its day's" \
    "$(q "SELECT group_concat(key, ' ') FROM (SELECT key FROM notices
    ORDER BY key)")" "n-late n-new"

# The space, on the copy pruned alone: the file shrinks by at least the
# share of rows pruned of the pages that held rows, that is all pages
# but those of a store with the schema only.
size_before=$(stat -c %s solo.db)
rows_before=$(rows solo.db)
{ echo "PRAGMA auto_vacuum = INCREMENTAL;"; sqlite3 solo.db ".schema --nosys"; } |
    sqlite3 empty.db
size_empty=$(stat -c %s empty.db)
ok "the copy is pruned alone" "$AC" -c solo.ini -q prune
size_after=$(stat -c %s solo.db)
rows_after=$(rows solo.db)
echo "# store: $size_before bytes and $rows_before rows before," \
    "$size_after bytes and $rows_after rows after (the hashes kept too);" \
    "$size_empty bytes with the schema only"
ok "the file shrank by at least the share of rows pruned" \
    test $(( (size_before - size_after) * rows_before )) -ge \
    $(( (size_before - size_empty) * (rows_before - rows_after) ))
is "integrity" "$(q "PRAGMA integrity_check")" ok
is "[report] keep removed only the old summary files" "$(ls out | sort | tr '\n' ' ')" \
    "customer-x.html notes-$old_day.csv reports-$old_day.html summary-$new_day.html "
ok "status says when and what" sh -c \
    "'$AC' -c ac.ini status | grep -q '^last prune: .*, the days before $horizon: removed reports $old_reports, cases 26, events 26, messages $old_reports'"

# The same Maildir read again, and imported: nothing counts again.
cases=$(q "SELECT group_concat(customer || day || internal_reports) FROM cases")
q "DELETE FROM local_seen"
ok "collect reads the Maildir again" sh -c "'$AC' -c ac.ini -v collect 2>again.log"
ok "all of it duplicates" grep -q "$total messages: 0 new reports, $total duplicates" again.log
ok "import of the Maildir" sh -c "'$AC' -c ac.ini -v import md 2>import.log"
ok "all of it duplicates" grep -q "$total messages: 0 new reports, $total duplicates" import.log
is "no report, case or message came back" \
    "$(q "SELECT count(*) FROM reports")|$(q "SELECT count(*) FROM messages")|$(q "SELECT group_concat(customer || day || internal_reports) FROM cases")" \
    "$((total - old_reports))|$((total - old_reports))|$cases"

# run prunes once a day, and remembers when.
q "UPDATE retention SET pruned_at = pruned_at - 2 * 86400"
was=$(q "SELECT pruned_at FROM retention")
ok "run" "$AC" -c ac.ini -q run
now=$(q "SELECT pruned_at FROM retention")
ok "run pruned, a day after the last prune" test "$now" -gt "$was"
ok "run again" "$AC" -c ac.ini -q run
is "and not again the same day" "$(q "SELECT pruned_at FROM retention")" "$now"
done_testing
