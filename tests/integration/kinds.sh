#!/bin/sh
# Mail that is not a report (the golden corpus's bounces, auto-replies,
# challenges, ticket acknowledgements, replies, requests, newsletters) is
# stored as ignored with its kind, opens no case and counts nowhere;
# `status` and the summary's run health count it by kind.  The
# complaints beside it are counted as before.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

corpus=$top_srcdir/tests/corpus
base_config
n=0
for kind in dsn auto-reply challenge-response ticket reply request \
    newsletter; do
	for f in "$corpus/$kind"/*.eml; do
		n=$((n + 1))
		cp "$f" "$T/md/new/$n.$kind.eml"
	done
done
cp "$corpus/complaint/001-attached-rfc822-phishing.eml" \
    "$corpus/complaint/010-complaint-via-rt-with-evidence.eml" "$T/md/new/"
q() { sqlite3 "$T/var/abuse.db" "$1"; }

cd "$T" || exit 1
"$AC" -c ac.ini collect >"$T/collect.out" 2>&1
is "collect exits 0" "$?" 0
is "every non-report is stored as ignored" \
    "$(q "SELECT count(*) FROM messages WHERE status = 'ignored'")" "$n"
is "each with the kind of its folder" "$(q "SELECT count(*) FROM messages
    WHERE status = 'ignored' AND kind IS NULL")" 0
is "no report was made of any of them" "$(q "SELECT count(*) FROM reports r
    JOIN messages m ON m.id = r.message WHERE m.status = 'ignored'")" 0
is "the two complaints are counted" "$(q "SELECT count(*) FROM reports")" 2

want=$(q "SELECT group_concat(kind || ' ' || n, ', ') FROM (SELECT kind,
    count(*) AS n FROM messages WHERE status = 'ignored' GROUP BY kind
    ORDER BY n DESC, kind)")
"$AC" -c ac.ini status >"$T/status" 2>&1
is "status exits 0" "$?" 0
ok "status counts the non-reports by kind" has_line \
    "not reports (ignored): $want" "$T/status"
ok "the kinds include dsn" grep -q "not reports (ignored): dsn " "$T/status"

TODAY=$(date +%Y-%m-%d)
ok "report of today" "$AC" -c ac.ini report --date "$TODAY"
ok "the run health counts them by kind" grep -qF \
    "<p id=\"not-reports\">Not reports (stored as ignored, never counted): $want.</p>" \
    "$T/out/summary-$TODAY.html"

# A store with nothing ignored says so.
mkmaildir "$T/emd"
cat >"$T/empty.ini" <<EOT
[store]
path = var/empty.db
[source empty]
type = maildir
path = emd
EOT
"$AC" -c empty.ini collect >/dev/null 2>&1
"$AC" -c empty.ini status >"$T/status2" 2>&1
ok "status of an empty store" has_line "not reports (ignored): none" \
    "$T/status2"
done_testing
