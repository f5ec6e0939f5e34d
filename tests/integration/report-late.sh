#!/bin/sh
# Summaries follow the data: run writes a day's files again when a late
# report changes them; the day's e-mail and summary.daily wait until it
# has settled ([report] send_after); a later change of its confirmed or
# escalated customers sends one update (e-mail and summary.updated), at
# most one per [report] update_interval; a change of anything else only
# rewrites the files; a run with no change sends and writes nothing.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
email_prelude
start_smtpsrv S --mode starttls --cert "$T/pki/server.pem" \
    --key "$T/pki/server.key" || skip_all "SMTP server did not start"
start_hooksrv H || skip_all "webhook receiver did not start"
secret_file "$T/k.secret" k
# base_config settles days at once; this test sets it for itself.
sed -i '/^send_after/d' "$T/ac.ini"
cat >>"$T/ac.ini" <<EOT
send_after = 3d
update_interval = 0
[email]
url = smtp://127.0.0.1:$S_PORT
from = abuse-collector@example.net
to = desk@example.net
ca_file = pki/ca.pem
[webhook desk]
url = http://127.0.0.1:$H_PORT/hook
allow_plaintext = yes
secret_file = k.secret
events = summary.daily
EOT
cd "$T" || exit 1
CSV="out/summary-$DAY.csv"
HTML="out/summary-$DAY.html"
setting() { sed -i "s/^$1 = .*/$1 = $2/" ac.ini; }
# The row of customer $1 in the day's CSV: confidence and settled.
row() {
	"$PY" -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["customer"] == sys.argv[2]:
        print(r["confidence"], r["settled"])' "$CSV" "$1"
}
hooks() { "$PY" "$LIBDIR/hookcheck.py" list "$H_LOG" | cut -d' ' -f1-4; }
inode() { ls -i "$1" | cut -d' ' -f1; }
# Subject and the lines of the text part that say what changed.
mail() {
	"$PY" -c 'import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=email.policy.default)
print(m["Subject"])
t = m.get_body(("plain",)).get_content()
print(t.splitlines()[0])
for l in t.splitlines():
    if l.startswith("  cust-"):
        print(l.strip())
    if l.startswith("The summary as it stands"):
        break
h = m.get_body(("html",)).get_content()
print("html lists:", " ".join(x.split("</li>")[0]
    for x in h.split("<li>")[1:] if "now " in x or "no longer" in x))' "$1"
}

# 1. A day that has not settled: files, no mail.
mkreport internal 192.0.2.10 10:00 'Cheap stuff' 1 a
ok "run" "$AC" -c ac.ini run
is "the day's CSV shows the case, not settled" "$(row cust-alpha)" \
    "internal no"
ok "the CSV says when it was made" sh -c \
    "head -1 '$CSV' | grep -q ',made_at,settled' &&
    sed -n 2p '$CSV' | grep -q ',$(date -u +%Y-%m-%d)T[0-9:]*Z,no'"
ok "the page says late reports may still come" \
    grep -q 'class="late">Reports about this day may still arrive' "$HTML"
is "nothing is mailed or sent before the day settles" \
    "$(spooled "$S_SPOOL"):$(cat "$H_LOG" 2>/dev/null | wc -l)" "0:0"

# 2. Settled (send_after = 0): written again without the note, mailed.
setting send_after 0
ok "run after the day settled" "$AC" -c ac.ini run
is "the CSV says settled" "$(row cust-alpha)" "internal yes"
ok "the page no longer says late reports may come" \
    sh -c "! grep -q 'class=\"late\"' '$HTML'"
is "the daily e-mail went out" "$(spooled "$S_SPOOL")" 1
is "its subject is the daily one" "$(mail "$S_SPOOL/1.eml" | sed -n 1p)" \
    "Abuse summary $DAY: 0 confirmed"
is "summary.daily went out" "$(hooks)" "summary.daily $DAY 1 200"

# 3. A late external report confirms the case: files, one update.
"$PY" "$LIBDIR/mkreports.py" "$T/md" external 192.0.2.10 \
    "${DAY}T09:00:00Z" 'Cheap stuff' 1 late
ok "run with the late report" "$AC" -c ac.ini run
is "the CSV shows the case confirmed" "$(row cust-alpha)" "confirmed yes"
ok "so does the page" grep -q 'id="confirmed"><h2>Confirmed customers (1)' \
    "$HTML"
is "one update e-mail arrived" "$(spooled "$S_SPOOL")" 2
is "marked as an update, saying what changed" "$(mail "$S_SPOOL/2.eml")" \
    "[update] Abuse summary $DAY: 1 confirmed
Update 1 of the summary for $DAY: its confirmed or escalated customers changed since the last mail about this day.
cust-alpha: now confirmed
html lists: cust-alpha: now confirmed"
is "summary.updated went to the webhook (summary.daily implies it)" \
    "$(hooks | tail -n +2)" "summary.updated $DAY 1 200"
is "its payload: the update's number, what changed, the totals" \
    "$("$PY" -c 'import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
p = json.loads(r["body"])
print(p["day"], p["update"], json.dumps(p["changes"], sort_keys=True),
      p["totals"]["confirmed"], p["customers_total"])' "$H_LOG")" \
    "$DAY 1 {\"confirmed\": [\"cust-alpha\"], \"escalated\": [], \"unconfirmed\": [], \"unescalated\": []} 1 1"
is "every payload follows the schema" \
    "$("$PY" "$LIBDIR/hookcheck.py" schema "$H_LOG")" ""

# 4. Nothing changed: nothing sent, nothing written.
I=$(inode "$HTML")
ok "run with nothing new" "$AC" -c ac.ini run
is "sends nothing" "$(spooled "$S_SPOOL"):$(wc -l <"$H_LOG")" "2:2"
is "and leaves the files as they were" "$(inode "$HTML")" "$I"

# 5. A change that leaves the confirmed and escalated customers alone.
mkreport internal 192.0.2.20 12:00 'Other stuff' 1 b
ok "run with an internal-only report of another customer" \
    "$AC" -c ac.ini run
is "the files are written again" "$(row cust-beta)" "internal yes"
is "no mail, no event" "$(spooled "$S_SPOOL"):$(wc -l <"$H_LOG")" "2:2"

# 6. update_interval: a change within it waits; after it, one update.
setting update_interval 1d
mkreport external 192.0.2.20 13:00 'Other stuff' 1 c
ok "run within update_interval" sh -c \
    '"$0" -c ac.ini -v run 2>"$1"' "$AC" "$T/held.err"
is "the files show the change at once" "$(row cust-beta)" "confirmed yes"
is "the update waits" "$(spooled "$S_SPOOL"):$(wc -l <"$H_LOG")" "2:2"
ok "and the log says so" has_line \
    "summary of $DAY: its customers changed; the update waits" \
    "$T/held.err"
setting update_interval 0
ok "run once the interval is over" sh -c \
    '"$0" -c ac.ini -v run 2>"$1"' "$AC" "$T/sent.err"
ok "the log names the update and what changed" has_line \
    "summary of $DAY: update 2 queued: cust-beta: now confirmed$" \
    "$T/sent.err"
is "one update, the second" "$(spooled "$S_SPOOL"):$(hooks | tail -1)" \
    "3:summary.updated $DAY 1 200"
is "it names the change" "$(mail "$S_SPOOL/3.eml" | sed -n '1p;3,$p')" \
    "[update] Abuse summary $DAY: 2 confirmed
cust-beta: now confirmed
html lists: cust-beta: now confirmed"
is "under a key of its own" \
    "$("$PY" -c 'import json, sys
print(json.loads([json.loads(l) for l in open(sys.argv[1])][-1]["body"])["update"])' "$H_LOG"):$("$PY" "$LIBDIR/hookcheck.py" keys "$H_LOG")" \
    "2:events 3 keys 3 requests 3"

# 7. A confirmation taken back is a change too.
ID=$(q "SELECT id FROM reports WHERE customer = 'cust-beta' AND role = 'external'")
ok "dismiss beta's external report" "$AC" -c ac.ini dismiss "$ID" \
    --reason 'forwarded by mistake'
ok "run" "$AC" -c ac.ini run
is "the files show it" "$(row cust-beta)" "internal yes"
is "an update says so" "$(mail "$S_SPOOL/4.eml" | sed -n '3,$p')" \
    "cust-beta: no longer confirmed
html lists: cust-beta: no longer confirmed"
ok "a last run sends nothing" "$AC" -c ac.ini run
is "nothing more went out" "$(spooled "$S_SPOOL"):$(wc -l <"$H_LOG")" "4:4"
is "the day's record" "$(q "SELECT updates, sent_at <= updated_at,
    replace(sent_set, char(9), ' ') FROM report_days WHERE day = '$DAY'")" \
    "3|1|confirmed cust-alpha"

# 8. A store from before summaries followed the data: its
# days count as mailed with the customers they have, nothing goes out
# again, nothing is written again; the next change is an update.
"$PY" "$LIBDIR/mkreports.py" "$T/md" internal 192.0.2.10 \
    "${PREV}T09:00:00Z" 'Older' 1 p
ok "run with a report of the day before" "$AC" -c ac.ini run
is "that day is mailed" "$(spooled "$S_SPOOL"):$(hooks | tail -1)" \
    "5:summary.daily $PREV 1 200"
# The columns dropped are those of the summaries' migration and of the
# alerts', notices', retention's and the actions' order's after it: the
# store goes back five.
V=$(q "PRAGMA user_version")
q "DROP INDEX outbox_action_order;
    DROP TABLE message_gone;
    DROP TABLE retention;
    DROP INDEX reports_message;
    DROP INDEX outbox_event;
    DROP INDEX events_day;
    DROP INDEX run_errors_run;
    DROP INDEX case_flips_correction;
    DROP INDEX messages_arrival;
    DROP TABLE notices;
    DROP TABLE alerts;
    ALTER TABLE source_seen DROP COLUMN arrived_last;
    ALTER TABLE source_health DROP COLUMN alerted_failing_at;
    ALTER TABLE source_health DROP COLUMN alerted_silent_at;
    ALTER TABLE report_days DROP COLUMN digest;
    ALTER TABLE report_days DROP COLUMN sent_at;
    ALTER TABLE report_days DROP COLUMN sent_set;
    ALTER TABLE report_days DROP COLUMN updates;
    ALTER TABLE report_days DROP COLUMN updated_at;
    PRAGMA user_version = $((V - 5))"
I=$(inode "$HTML")
ok "run on the older store" "$AC" -c ac.ini run
is "it sends nothing" "$(spooled "$S_SPOOL"):$(wc -l <"$H_LOG")" "5:5"
is "and writes nothing" "$(inode "$HTML")" "$I"
is "its days count as mailed, with their customers" \
    "$(q "SELECT day, digest IS NOT NULL, sent_at IS NOT NULL, updates,
    replace(sent_set, char(9), ' ') FROM report_days ORDER BY day")" \
    "$PREV|1|1|0|
$DAY|1|1|0|confirmed cust-alpha"
"$PY" "$LIBDIR/mkreports.py" "$T/md" external 192.0.2.10 \
    "${PREV}T10:00:00Z" 'Older' 1 q
ok "run with a new report" "$AC" -c ac.ini run
is "the next change is an update" "$(spooled "$S_SPOOL"):$(hooks | tail -1)" \
    "6:summary.updated $PREV 1 200"
is "naming what changed" "$(mail "$S_SPOOL/6.eml" | sed -n '1p;3p')" \
    "[update] Abuse summary $PREV: 1 confirmed
cust-alpha: now confirmed"
done_testing
