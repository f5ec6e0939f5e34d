#!/bin/sh
# summary-D.csv and reports-D.csv: RFC 4180 with CRLF, one row per
# customer and one per report, the same rows as the reports command,
# cells that a spreadsheet would run made plain text.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python csv
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

base_config
mkreport internal 192.0.2.10 10:00 '=HYPERLINK("http://x.example/","x")' 3 a
mkreport external 192.0.2.10 11:00 'He said "hi", then left' 2 b
mkreport internal 192.0.2.20 09:00 '@SUM(A1:A9)' 1 c
mkreport external 198.51.100.7 09:00 '+cmd|calc' 1 d
mkreport external 203.0.113.200 09:00 '-2+3' 1 e
cd "$T" || exit 1
ok "collect" "$AC" -c ac.ini collect
"$AC" -c ac.ini report --date "$DAY" >"$T/report.out"
is "report exits 0" "$?" 0
is "report prints the paths it wrote" "$(cat "$T/report.out")" \
    "$(printf '%s/out/summary-%s.csv\n%s/out/reports-%s.csv\n%s/out/summary-%s.html' \
    "$T" "$DAY" "$T" "$DAY" "$T" "$DAY")"
is "report -q prints nothing" \
    "$("$AC" -c ac.ini -q report --date "$DAY" 2>&1)" ""
TODAY=$(date -u +%Y-%m-%d)
"$AC" -c ac.ini report --date "$TODAY" --out today >/dev/null 2>"$T/today.err"
is "report of today writes the day so far" "$?" 0
ok "... and says the day is not finished" \
    grep -q "is today (time zone UTC) and not finished" "$T/today.err"
TOMORROW=$(date -u -d tomorrow +%Y-%m-%d)
"$AC" -c ac.ini report --date "$TOMORROW" --out today >/dev/null \
    2>"$T/tomorrow.err"
is "report of a future day is a usage error" "$?" 64
ok "... saying the day has not begun" grep -q "$TOMORROW has not begun" \
    "$T/tomorrow.err"
ok "... and writing nothing" test ! -e "$T/today/summary-$TOMORROW.csv"
is "three files, the customers' pages and no temporary file left" \
    "$(ls -A out | tr '\n' ' ')" "customer-cust-alpha.html \
customer-cust-beta.html customer-cust-gamma.html reports-$DAY.csv \
summary-$DAY.csv summary-$DAY.html "

"$AC" -c ac.ini reports --since "$DAY" --until "$DAY" >"$T/reports.cmd"
ok "reports-D.csv is what the reports command prints for the day" \
    cmp "$T/out/reports-$DAY.csv" "$T/reports.cmd"
is "one row per report" "$(( $(wc -l <"$T/out/reports-$DAY.csv") - 1 ))" \
    "$(q "SELECT count(*) FROM reports WHERE day = '$DAY'")"

check() {
	"$PY" - "$@" <<'PYEOF'
import csv, io, sys
path, col = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
lines = data.split(b"\r\n")
if lines[-1] != b"" or any(b"\n" in l for l in lines):
    print("not CRLF throughout")
rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
i = rows[0].index(col)
print(len(rows[0]), "|".join(sorted(set(r[i] for r in rows[1:]))))
PYEOF
}
is "reports-D.csv: 36 columns; subjects as plain text" \
    "$(check "$T/out/reports-$DAY.csv" subject)" \
    "36 '+cmd|calc|'-2+3|'=HYPERLINK(\"http://x.example/\",\"x\")|'@SUM(A1:A9)|He said \"hi\", then left"
is "summary-D.csv: its header" "$(head -1 "$T/out/summary-$DAY.csv")" \
    "$(printf 'date,customer,confidence,score,internal_reports,external_reports,distinct_source_ips,first_seen,last_seen,top_subject,resolved_by,escalated,placed_at_arrival,ticket,ticket_url,notified_at,notice,made_at,settled\r')"
is "summary-D.csv: confirmed first, unresolved last" \
    "$(tail -n +2 "$T/out/summary-$DAY.csv" | cut -d, -f2,3,5,6 | tr -d '\r' |
    tr '\n' ' ')" \
    "cust-alpha,confirmed,3,2 cust-gamma,external,0,1 cust-beta,internal,1,0 (unresolved),external,0,1 "
is "summary-D.csv: top subjects as plain text" \
    "$(check "$T/out/summary-$DAY.csv" top_subject)" \
    "19 '+cmd|calc|'-2+3|'=HYPERLINK(\"http://x.example/\",\"x\")|'@SUM(A1:A9)"

# One customer resolved two ways: the CSV and the page list the steps
# the same way, space-separated.
q "UPDATE reports SET resolved_by = 'sender' WHERE id = (SELECT min(id)
    FROM reports WHERE customer = 'cust-alpha' AND day = '$DAY')"
ok "report again" "$AC" -c ac.ini report --date "$DAY" --out out2
is "summary-D.csv: resolved_by steps separated by a space" \
    "$(grep '^[^,]*,cust-alpha,' "$T/out2/summary-$DAY.csv" | "$PY" -c '
import csv, sys
print(next(csv.reader(sys.stdin))[10])')" "network sender"
ok "summary-D.html: the same separator" \
    grep -q '>network sender<' "$T/out2/summary-$DAY.html"

OLD=$(date -u -d '20 days ago' +%Y-%m-%d)
ok "a day without reports" "$AC" -c ac.ini report --date "$OLD"
is "has a summary with the header only" \
    "$(wc -l <"$T/out/summary-$OLD.csv") $(wc -l <"$T/out/reports-$OLD.csv")" \
    "1 1"
"$AC" -c ac.ini report --date 2026-02-31 2>"$T/bad.err"
is "an impossible date is a usage error" "$?" 64
done_testing
