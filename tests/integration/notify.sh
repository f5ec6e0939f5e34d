#!/bin/sh
# Customer notices through a real SMTP server (aiosmtpd) on 127.0.0.1
# that requires STARTTLS and AUTH, verified against the test CA: a day
# of reports about customers with and without a contact and about no
# customer; one notice per case and event at the contact's address,
# none on a rerun or within min_interval (recorded as suppressed); no
# recipient's or complainant's address in any notice; kill -9 in the
# middle of a send; a dry run; a dead letter and --retry-dead.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
email_prelude
secret_file "$T/smtp.pass" 'pw-n0tice-7'
start_smtpsrv S --mode starttls --cert "$T/pki/server.pem" \
    --key "$T/pki/server.key" --user desk --password-file "$T/smtp.pass" \
    --hold-rcpt eps-noc@eps.example ||
    skip_all "SMTP server did not start"
cat >"$T/contacts.csv" <<'EOT'
customer,email,name,language
cust-alpha,noc@alpha.example,Alpha Ops,
cust-gamma,admin@gamma.example,,de
cust-delta,abuse@delta.example,Delta,fr
cust-eps,eps-noc@eps.example,,
cust-zeta,noc@zeta.example,,
EOT
mkdir -p "$T/tpl"
cat >"$T/tpl/case.escalated.de.txt" <<'EOT'
Subject: Beschwerden über Ihre Mails vom {day}

Guten Tag,

über {customer} kamen am {day} {internal_reports} Meldungen unseres
Filters und {external_reports} von anderen.

Absender:
{senders}
Beispiele:
{samples}
EOT
cat >>"$T/ac.ini" <<EOT
[cases]
escalate_internal = 6 in 1d
[email]
url = smtp://127.0.0.1:$S_PORT
from = abuse-collector@example.net
to = desk@example.net
user = desk
password_file = smtp.pass
ca_file = pki/ca.pem
retry_base = 1s
max_attempts = 3
[notify]
contacts_file = contacts.csv   ; customer,email[,name][,language]
events = case.confirmed, case.escalated
from = abuse@example.net
reply_to = abuse-desk@example.net
min_interval = 24h
template_dir = tpl
EOT
cd "$T" || exit 1
GEN="$LIBDIR/gen_notice_day.py"
# alpha, delta: confirmed, with a contact; beta: confirmed, no contact;
# gamma: escalated (internal reports only), with a contact; eps: only
# internal reports (no case event that notifies); 100.64.0.9: nobody's.
"$PY" "$GEN" md "$DAY" addrs.json 192.0.2.5:billing@alpha.example:3:2:a \
    192.0.2.6:shop@alpha.example:1:1:a2 \
    192.0.2.20:news@beta.example:2:1:b 198.51.100.7:info@gamma.example:6:0:g \
    203.0.113.5:office@delta.example:1:1:d \
    203.0.113.20:post@eps.example:1:0:e 100.64.0.9:x@nobody.example:2:2:u
ok "check-config reads the contacts and the template" sh -c \
    "'$AC' -c ac.ini check-config | grep -qx '# contacts: 5'"
ok "collect" "$AC" -c ac.ini collect
is "notices recorded for the confirmed and escalated customers, beta without a contact" \
    "$(q "SELECT customer, event, coalesce(rcpt, '-'), suppressed_by IS NULL
    FROM notices ORDER BY customer" | tr '\n' ' ')" \
    "cust-alpha|case.confirmed|noc@alpha.example|1 cust-beta|case.confirmed|-|1 cust-delta|case.confirmed|abuse@delta.example|1 cust-gamma|case.escalated|admin@gamma.example|1 "
is "only those with a contact are queued" "$(q "SELECT target FROM outbox
    WHERE target LIKE 'notice:%' ORDER BY 1" | tr '\n' ' ')" \
    "notice:abuse@delta.example notice:admin@gamma.example notice:noc@alpha.example "

# A dry run prints them and sends nothing.
"$AC" -c ac.ini --dry-run deliver >dry.out 2>dry.err
is "a dry run succeeds" "$?" 0
is "it prints the three notices" "$(grep -c '^--- notice ' dry.out)" 3
ok "with their recipients" sh -c "grep -qx 'To: noc@alpha.example' dry.out &&
    grep -qx 'To: abuse@delta.example' dry.out &&
    grep -qx 'To: admin@gamma.example' dry.out"
is "and sends nothing" "$(spooled "$S_SPOOL"):$(q "SELECT count(*) FROM
    outbox WHERE delivered_at IS NOT NULL")" "0:0"

ok "deliver" "$AC" -c ac.ini deliver
is "three notices arrived" "$(spooled "$S_SPOOL")" 3
CHECK="$PY $LIBDIR/noticecheck.py"
is "each at its contact, exactly once, with its senders and subjects" \
    "$($CHECK addrs.json "$S_SPOOL" \
    cust-alpha=noc@alpha.example=billing@alpha.example,shop@alpha.example \
    cust-delta=abuse@delta.example=office@delta.example \
    cust-gamma=admin@gamma.example=info@gamma.example)" ""
ok "gamma's is German (its contact's language), alpha's English" sh -c \
    "grep -l 'Guten Tag' '$S_SPOOL'/*.eml | xargs grep -l 'To: admin@gamma.example' >/dev/null &&
    ! grep -l 'Guten Tag' '$S_SPOOL'/*.eml | xargs grep -l 'To: noc@alpha.example' >/dev/null"
is "the SMTP session used STARTTLS and AUTH" \
    "$(grep -c '"event": "auth".*"ok": true, "tls": true' "$S_LOG")" 3
is "the notices are recorded as sent" \
    "$(q "SELECT count(*) FROM notices WHERE sent_at IS NOT NULL")" 3

# Alpha answers its notice, quoting the spam: a reply, not a complaint.
MID=$(grep -h '^Message-ID:' $(grep -l '^To: noc@alpha.example' \
    "$S_SPOOL"/*.eml) | sed 's/^Message-ID: //' | tr -d '\r')
SUBJ=$(q "SELECT subject FROM reports WHERE customer = 'cust-alpha' LIMIT 1")
printf '%s\r\n' "From: Alpha Ops <noc@alpha.example>" \
    "To: abuse-desk@example.net" "Subject: Re: your notice" \
    "Date: $(date -R)" "Message-ID: <answer-1@alpha.example>" \
    "In-Reply-To: $MID" "References: $MID" \
    "Content-Type: text/plain; charset=utf-8" "" \
    "We found it, the password is changed.  It sent this:" "" \
    "> Received: from client.customer.example ([192.0.2.5])" \
    "> From: billing@alpha.example" "> Subject: $SUBJ" \
    >"md/new/answer-1.eml"
BEFORE=$(q "SELECT internal_reports, external_reports FROM cases
    WHERE customer = 'cust-alpha'")
ok "collect the answer" "$AC" -c ac.ini collect
is "the answer to the notice (the last message) is stored as a reply" \
    "$(q "SELECT format, status FROM messages ORDER BY id DESC LIMIT 1")" \
    "reply|ignored"
is "and counts nowhere" "$(q "SELECT internal_reports, external_reports
    FROM cases WHERE customer = 'cust-alpha'")" "$BEFORE"

# A rerun sends nothing again.
ok "collect again" "$AC" -c ac.ini collect
ok "deliver again" "$AC" -c ac.ini deliver
is "no second notice on a rerun" "$(spooled "$S_SPOOL")" 3

# Alpha escalates the same day: within min_interval, suppressed.
"$PY" "$GEN" md "$DAY" addrs.json 192.0.2.5:billing@alpha.example:6:0:a3
ok "collect alpha's escalation" "$AC" -c ac.ini collect
ok "deliver" "$AC" -c ac.ini deliver
is "no second notice within min_interval" "$(spooled "$S_SPOOL")" 3
is "the escalation's notice is recorded as suppressed by the first" \
    "$(q "SELECT n.event, m.event FROM notices n JOIN notices m
    ON m.key = n.suppressed_by WHERE n.customer = 'cust-alpha'")" \
    "case.escalated|case.confirmed"

# What became of each case's notice, in cases, the CSV and the page.
"$AC" -c ac.ini cases --date "$DAY" | tr -d '\r' >cases.out
SENT=$(q "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', sent_at, 'unixepoch')
    FROM notices WHERE customer = 'cust-alpha' AND sent_at IS NOT NULL")
is "cases: alpha notified, the escalation suppressed" \
    "$(grep '^[^,]*,cust-alpha,' cases.out | awk -F, '{print $(NF-1) "|" $NF}')" \
    "$SENT|confirmed: sent $SENT; escalated: suppressed (one was sent within min_interval)"
is "cases: beta has no contact, the unresolved no notice" \
    "$(grep -e '^[^,]*,cust-beta,' -e ',(unresolved),' cases.out |
    awk -F, '{print $2 "|" $(NF-1) "|" $NF}' | sort | tr '\n' ' ')" \
    "(unresolved)|| cust-beta||confirmed: no contact "
ok "report" "$AC" -c ac.ini report --date "$DAY"
is "summary-D.csv: notified_at and notice" "$("$PY" -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["customer"] in ("cust-alpha", "cust-beta", "cust-gamma"):
        print(r["customer"], r["notified_at"] != "", r["notice"].split(" 2")[0])
' "out/summary-$DAY.csv")" "cust-alpha True confirmed: sent
cust-beta False confirmed: no contact
cust-gamma True escalated: sent"
ok "the page shows beta without a contact" \
    grep -q 'Notice">confirmed: no contact</td>' "out/summary-$DAY.html"

# Eps becomes confirmed; the server keeps its notice and holds the
# answer; deliver is killed meanwhile.  The next deliver sends it again
# (at least once), under the same Message-ID.
"$PY" "$GEN" md "$DAY" addrs.json 203.0.113.20:post@eps.example:0:1:e2
ok "collect eps's confirmation" "$AC" -c ac.ini collect
"$AC" -c ac.ini deliver >/dev/null 2>&1 &
pid=$!
i=0
until grep -q '"event": "hold"' "$S_LOG" || [ $i -gt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
ok "the server holds eps's notice" grep -q '"event": "hold"' "$S_LOG"
kill -9 "$pid"
wait "$pid" 2>/dev/null
touch "$S_LOG.release"
is "after the kill the row is attempted, not delivered" \
    "$(q "SELECT attempts, delivered_at IS NULL FROM outbox
    WHERE target = 'notice:eps-noc@eps.example'")" "1|1"
ok "deliver after the kill" "$AC" -c ac.ini deliver
is "eps's notice arrived twice (at least once), the others once" \
    "$(grep -l '^To: eps-noc@eps.example' "$S_SPOOL"/*.eml | wc -l):$(spooled "$S_SPOOL")" \
    "2:5"
is "under one Message-ID" "$(grep -h '^Message-ID:' $(grep -l \
    '^To: eps-noc@eps.example' "$S_SPOOL"/*.eml) | sort -u | wc -l)" 1
is "and is delivered" "$(q "SELECT count(*) FROM outbox WHERE target LIKE
    'notice:%' AND delivered_at IS NULL")" 0
is "no notice holds a recipient's or a complainant's address" \
    "$($CHECK addrs.json "$S_SPOOL")" ""

# A notice the server refuses for good is a dead letter; --retry-dead
# sends it once the server takes it.
start_smtpsrv R --mode starttls --cert "$T/pki/server.pem" \
    --key "$T/pki/server.key" --user desk --password-file "$T/smtp.pass" \
    --reply-rcpt noc@zeta.example=550 || skip_all "SMTP server did not start"
sed -i "s|^url = smtp://127.0.0.1:$S_PORT\$|url = smtp://127.0.0.1:$R_PORT|" ac.ini
cat >>nets.csv <<'EOT'
203.0.113.32/28,cust-zeta
EOT
"$PY" "$GEN" md "$DAY" addrs.json 203.0.113.33:sales@zeta.example:1:1:z
ok "collect zeta's confirmation" "$AC" -c ac.ini collect
"$AC" -c ac.ini deliver >dead.out 2>&1
is "deliver says the refusal" "$?:$(grep -c 'dead letter' dead.out)" "75:1"
is "zeta's notice is a dead letter" "$(q "SELECT dead FROM outbox
    WHERE target = 'notice:noc@zeta.example'")" 1
sed -i "s|^url = smtp://127.0.0.1:$R_PORT\$|url = smtp://127.0.0.1:$S_PORT|" ac.ini
ok "deliver --retry-dead" "$AC" -c ac.ini deliver --retry-dead
is "zeta's notice arrived" \
    "$(grep -l '^To: noc@zeta.example' "$S_SPOOL"/*.eml | wc -l)" 1
is "every notice is delivered, none dead" "$(q "SELECT count(*),
    sum(delivered_at IS NOT NULL), sum(dead) FROM outbox
    WHERE target LIKE 'notice:%'")" "5|5|0"
is "no notice holds a recipient's or a complainant's address" \
    "$($CHECK addrs.json "$S_SPOOL")" ""
# check-config names an unknown placeholder with its file and line.
mkdir tpl2
printf 'Subject: Abuse {day}\n\nHello {name},\n{sample}\n' \
    >tpl2/case.confirmed.en.txt
sed 's|^template_dir = tpl$|template_dir = tpl2|' ac.ini >bad.ini
chmod 600 bad.ini
"$AC" -c bad.ini check-config >cc.out 2>&1
is "check-config refuses an unknown placeholder" "$?:$(grep -c \
    "^$T/tpl2/case.confirmed.en.txt:4: \[notify\] template_dir: unknown placeholder {sample}\$" \
    cc.out)" "78:1"
ok "the password is nowhere" sh -c "! grep -a -q -e 'pw-n0tice-7' \
    '$T'/*.out '$T'/var/abuse.db* '$S_LOG'"
done_testing
