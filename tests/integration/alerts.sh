#!/bin/sh
# Alerts: a Maildir source that cannot be read three runs in a row
# raises source.failing once, at a webhook receiver and as one mail at
# an SMTP server, both on 127.0.0.1; once it can be read again one
# source.recovered follows, and further runs add nothing.  A source
# whose newest message arrived (file time, set back with touch -d) longer
# ago than its silence raises source.silent once, and source.recovered
# when a new message arrives.  The summary shows the day's alerts.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
email_prelude
start_hooksrv H || skip_all "webhook receiver did not start"
start_smtpsrv S --mode starttls --cert "$T/pki/server.pem" \
    --key "$T/pki/server.key" || skip_all "SMTP server did not start"
secret_file "$T/h.secret" 'alerts-key-51c0'
mkmaildir "$T/quiet"
cat >>"$T/ac.ini" <<EOT
[source quiet]
type = maildir
path = quiet
silence = 1h
[alerts]
source_failures = 3
[email]
url = smtp://127.0.0.1:$S_PORT
from = abuse-collector@example.net
to = noc@example.net
ca_file = pki/ca.pem
[webhook ops]
url = http://127.0.0.1:$H_PORT/ops
allow_plaintext = yes
secret_file = h.secret
events = source.failing, source.silent
[webhook cases]
url = http://127.0.0.1:$H_PORT/cases
allow_plaintext = yes
secret_file = h.secret
EOT
mkreport internal 192.0.2.10 10:00 'Cheap stuff' 1 a
cd "$T" || exit 1

"$AC" -c ac.ini check-config >"$T/cc.out" 2>&1
ok "check-config shows [alerts] and the source's silence" sh -c \
    "grep -qx 'source_failures = 3' cc.out && grep -qx 'silence = 21600s' \
    cc.out && grep -qx 'silence = 3600s' cc.out && grep -qx \
    'events = source.failing, source.silent, source.recovered' cc.out"
ok "the first run (nothing to alert)" "$AC" -c ac.ini run

# The alerts that arrived so far: "EVENT SOURCE" per webhook request,
# the alert mails' subjects (the daily summary mail is not one).
hooks() {
	"$PY" "$LIBDIR/hookcheck.py" list "$H_LOG" | cut -d' ' -f1,2 |
	    grep '^source\.' | tr '\n' ';'
}
mails() {
	for m in "$S_SPOOL"/*.eml; do
		[ -e "$m" ] || continue
		sed -n 's/^Subject: \(\[abuse-collector\]\)/\1/p' "$m"
	done | tr -d '\r' | tr '\n' ';'
}
is "no alert while the sources are well" "$(hooks)|$(mails)" "|"

mv md md.away
for i in 1 2 3; do
	"$AC" -c ac.ini run >"$T/fail$i.out" 2>&1
	is "run $i with the Maildir gone fails" "$?" 75
	ok "and says why" has_line "archive: cannot" "$T/fail$i.out"
done
is "the third failure raised source.failing once, at the webhook" \
    "$(hooks)" "source.failing archive;"
is "and mailed it once" "$(mails)" \
    "[abuse-collector] source.failing: archive;"
"$AC" -c ac.ini status >"$T/st1.out" 2>&1
ok "status shows the open alert and what closes it" grep -q \
    '^source archive: alert source.failing open since .* (until a collection goes through)$' \
    "$T/st1.out"
is "status --json lists it with the source" "$("$AC" -c ac.ini status --json |
    "$PY" -c '
import json, sys
d = json.load(sys.stdin)
print(sorted((s["source"], a["alert"], len(a["since"]))
    for s in d["sources"] for a in s["open_alerts"]))')" \
    "[('archive', 'source.failing', 20)]"
ok "the mail is plain text and names the error" "$PY" -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=email.policy.default)
b = m.get_body(("plain",)).get_content()
assert m["To"] == "noc@example.net", m["To"]
assert m["Auto-Submitted"] == "auto-generated"
assert not [p for p in m.walk() if p.get_content_type() == "text/html"]
assert "failed 3 collections in a row" in b and "cannot" in b, b
' "$(grep -l '^Subject: \[abuse-collector\] source.failing' \
    "$S_SPOOL"/*.eml)"
"$AC" -c ac.ini run >/dev/null 2>&1
is "a fourth failure raises nothing more" "$(hooks)|$(mails)" \
    "source.failing archive;|[abuse-collector] source.failing: archive;"

mv md.away md
ok "the run after the fix" "$AC" -c ac.ini run
is "source.recovered came once" "$(hooks)" \
    "source.failing archive;source.recovered archive;"
is "and its mail" "$(mails)" \
    "[abuse-collector] source.failing: archive;[abuse-collector] source.recovered: archive;"
ok "two more runs" sh -c "'$AC' -c ac.ini run && '$AC' -c ac.ini run"
is "add nothing" "$(hooks)|$(mails | tr ';' '\n' | grep -c .)" \
    "source.failing archive;source.recovered archive;|2"

# Silence: messages that arrived three hours ago at a source whose
# silence is one hour.
"$PY" "$LIBDIR/mkreports.py" "$T/quiet" internal 192.0.2.11 \
    "${DAY}T08:00:00Z" 'Old' 2 q
touch -d '3 hours ago' quiet/new/*
ok "a run collects the old messages" "$AC" -c ac.ini run
is "source.silent came once" "$(hooks)" \
    "source.failing archive;source.recovered archive;source.silent quiet;"
"$AC" -c ac.ini status >"$T/st2.out" 2>&1
is "status shows only the silence open now" \
    "$(grep ': alert ' "$T/st2.out" | sed 's/since [^ ]*/since T/')" \
    "source quiet: alert source.silent open since T (until mail comes)"
ok "another run" "$AC" -c ac.ini run
is "adds nothing" "$(hooks)" \
    "source.failing archive;source.recovered archive;source.silent quiet;"
"$PY" "$LIBDIR/mkreports.py" "$T/quiet" internal 192.0.2.11 \
    "${DAY}T09:00:00Z" 'New' 1 r
ok "a run collects a new message" "$AC" -c ac.ini run
is "source.recovered came once" "$(hooks)" \
    "source.failing archive;source.recovered archive;source.silent quiet;source.recovered quiet;"
is "four alert mails in all" "$(mails | tr ';' '\n' | sort | tr '\n' ';')" \
    "[abuse-collector] source.failing: archive;[abuse-collector] source.recovered: archive;[abuse-collector] source.recovered: quiet;[abuse-collector] source.silent: quiet;"
is "the webhook without alerts in its events got none" \
    "$(grep '"path": "/cases"' "$H_LOG" | grep -c '"event": "source\.')" 0
is "every alert matches the documented schema" \
    "$("$PY" "$LIBDIR/hookcheck.py" schema "$H_LOG")" ""
is "the payload of source.silent" "$("$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    p = json.loads(r["body"])
    if p["event"] == "source.silent":
        print(p["source"], p["failures"], p["recovered_from"],
              p["newest_message_at"] is not None, "silence = 1h" in p["detail"])
' "$H_LOG")" "quiet 0 None True True"
is "the store holds the four alerts, none open" \
    "$(q "SELECT source, kind FROM alerts ORDER BY id" | tr '\n' ' ')|$(q \
    "SELECT count(*) FROM source_health WHERE alerted_failing_at IS NOT NULL
    OR alerted_silent_at IS NOT NULL")" \
    "archive|source.failing archive|source.recovered quiet|source.silent quiet|source.recovered |0"
"$AC" -c ac.ini status >"$T/st3.out" 2>&1
is "status shows no open alert once all recovered" \
    "$(grep -c ': alert ' "$T/st3.out")" 0
TODAY=$(date -u +%Y-%m-%d)
ok "report writes today's summary" "$AC" -c ac.ini report --date "$TODAY"
ok "the summary shows the day's alerts" "$PY" -c '
import sys
h = open(sys.argv[1], encoding="utf-8").read()
s = h[h.index("<section id=\"alerts\">"):]
s = s[:s.index("</section>")]
for want in ("source.failing", "source.silent", "failed 3 collections"):
    assert want in s, want
assert s.count("source.recovered") == 2, s
' "$T/out/summary-$TODAY.html"
done_testing
