# A type = http ticket target against ticketsrv.py answering as $API
# (jira, zammad or gitlab) does, with the configuration the README gives
# for it: a failed create and a create answer without the id are dead
# letters; a confirmed case creates one ticket with the evidence; a 429
# and a 409 are retried; an escalation and an unconfirmation update the
# same ticket; reruns, re-imports and lost ticket ids (the search finds
# it) make no second ticket.  Sourced by tests/integration/ticket-*.sh.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

base_config
SECRET="s3cret-$API-$$"
secret_file "$T/api.secret" "$SECRET"
mkdir -p "$T/srv"
echo '{}' >"$T/srv/plan.json"
case $API in
jira)	AUTH="Basic $(printf 'desk@example.net:%s' "$SECRET" | base64 -w0)" ;;
zammad)	AUTH="Basic $(printf 'abuse-bot:%s' "$SECRET" | base64 -w0)" ;;
gitlab)	AUTH="Bearer $SECRET" ;;
esac
"$PY" "$LIBDIR/ticketsrv.py" --api "$API" --port-file "$T/srv/port" \
    --state "$T/srv/state.json" --auth "$AUTH" --plan "$T/srv/plan.json" \
    --log "$T/srv/log" >"$T/srv/out" 2>&1 &
SRV_PID=$!
at_exit "kill $SRV_PID 2>/dev/null; wait $SRV_PID 2>/dev/null"
wait_file "$T/srv/port" 10 || {
	cat "$T/srv/out" >&2
	echo "Bail out! ticketsrv.py wrote no port file in 10 s"
	exit 1
}
URL="http://127.0.0.1:$(cat "$T/srv/port")"

# The README's examples, with the server's URL.
case $API in
jira)
	cat >"$T/jira-create.json" <<-'EOT'
	{"fields": {
	  "project": {"key": "ABUSE"},
	  "issuetype": {"name": "Task"},
	  "summary": "Abuse: {customer} on {day} ({confidence})",
	  "labels": ["abuse", "{case_key}"],
	  "description": {"type": "doc", "version": 1, "content": [
	    {"type": "paragraph", "content": [
	      {"type": "text", "text": "{evidence}"}]}]}}}
	EOT
	cat >"$T/jira-comment.json" <<-'EOT'
	{"body": {"type": "doc", "version": 1, "content": [
	  {"type": "paragraph", "content": [
	    {"type": "text", "text": "{evidence}"}]}]}}
	EOT
	cat >>"$T/ac.ini" <<-EOT
	[ticket jira]
	type = http
	create_url = $URL/rest/api/3/issue
	create_body_file = jira-create.json
	update_url = $URL/rest/api/3/issue/{ticket_id}/comment
	update_body_file = jira-comment.json
	search_url = $URL/rest/api/3/search?jql=labels%3D%22{case_key}%22&fields=key
	search_pointer = /issues/0/key
	id_pointer = /key
	link = https://example.atlassian.net/browse/{ticket_id}
	user = desk@example.net
	password_file = api.secret
	EOT
	ID1=ABUSE-1 LINK1=https://example.atlassian.net/browse/ABUSE-1
	NOID_PTR=/key ;;
zammad)
	cat >"$T/zammad-create.json" <<-'EOT'
	{"title": "Abuse: {customer} on {day} [{case_key}]",
	 "group": "Abuse",
	 "customer_id": "guess:abuse-desk@example.net",
	 "article": {"subject": "{event}", "body": "{evidence}",
	   "type": "note", "internal": true}}
	EOT
	cat >"$T/zammad-article.json" <<-'EOT'
	{"ticket_id": {ticket_id}, "subject": "{event}", "body": "{evidence}",
	 "type": "note", "internal": true}
	EOT
	cat >>"$T/ac.ini" <<-EOT
	[ticket zammad]
	type = http
	create_url = $URL/api/v1/tickets
	create_body_file = zammad-create.json
	update_url = $URL/api/v1/ticket_articles
	update_body_file = zammad-article.json
	search_url = $URL/api/v1/tickets/search?query={case_key}&limit=1
	search_pointer = /tickets/0
	id_pointer = /id
	link = https://zammad.example.net/#ticket/zoom/{ticket_id}
	user = abuse-bot
	password_file = api.secret
	EOT
	ID1=1 LINK1="https://zammad.example.net/#ticket/zoom/1"
	NOID_PTR=/id ;;
gitlab)
	cat >>"$T/ac.ini" <<-EOT
	[ticket gitlab]
	type = http
	create_url = $URL/api/v4/projects/42/issues
	create_body = {"title": "Abuse: {customer} on {day}", "labels": "abuse,{case_key}", "description": "{evidence}"}
	update_url = $URL/api/v4/projects/42/issues/{ticket_id}/notes
	update_body = {"body": "{evidence}"}
	search_url = $URL/api/v4/projects/42/issues?labels={case_key}&state=opened
	search_pointer = /0/iid
	id_pointer = /iid
	link = https://gitlab.example.net/abuse/desk/-/issues/{ticket_id}
	token_file = api.secret
	EOT
	ID1=1 LINK1=https://gitlab.example.net/abuse/desk/-/issues/1
	NOID_PTR=/iid ;;
esac
cat >>"$T/ac.ini" <<EOT
allow_plaintext = yes
events = case.confirmed, case.escalated, case.unconfirmed
retry_base = 1s
[cases]
escalate_external = 2 in 1h
EOT
cd "$T" || exit 1
TGT="ticket:$API"

key_of() {
	"$PY" -c 'import hashlib, sys
print("ac-" + hashlib.sha256(b"case\0" + sys.argv[1].encode() + b"\0" +
    sys.argv[2].encode()).hexdigest()[:32])' "$1" "$DAY"
}
# The number of tickets that hold key $1, and of their comments.
tickets() {
	"$PY" -c 'import json, sys
ts = [t for t in json.load(open("srv/state.json"))
      if sys.argv[1] in json.dumps({k: v for k, v in t.items()
                                    if k != "comments"})]
print(len(ts), sum(len(t["comments"]) for t in ts))' "$1"
}
requests() { [ -f srv/log ] && wc -l <srv/log || echo 0; }
plan() { echo "$1" >srv/plan.json; }
state() { q "SELECT attempts, dead FROM outbox WHERE target = '$TGT'
    AND kind = '$2' AND payload LIKE '%\"$1\"%'"; }

ok "check-config accepts the target" "$AC" -c ac.ini check-config
"$AC" -c ac.ini check-config >cc.out 2>&1
ok "... shows it, and where the secret is, not the secret" sh -c \
    'grep -q "^type = http" cc.out && grep -q "^id_pointer = " cc.out &&
    grep -q "\"{evidence}\"" cc.out && ! grep -q "$0" cc.out' "$SECRET"

# Mistakes in the templates are configuration errors, with the line.
bad_config() {
	sed "$1" ac.ini >bad.ini
	chmod 600 bad.ini
	"$AC" -c bad.ini check-config >bad.out 2>&1 && return 1
	grep -q "$2" bad.out || { cat bad.out; return 1; }
}
ok "check-config: an unknown placeholder" bad_config \
    's|^update_url = \(.*\)|update_url = \1?x={custmer}|' \
    "bad.ini:[0-9]*: \[ticket $API\] update_url: unknown placeholder"
ok "check-config: {ticket_id} in the create" bad_config \
    's|^create_url = \(.*\)|create_url = \1?x={ticket_id}|' \
    "create_url: {ticket_id} is not known before the ticket is created"
ok "check-config: no id_pointer" bad_config '/^id_pointer/d' \
    "id_pointer: missing"
ok "check-config: a search without its pointer" bad_config \
    '/^search_pointer/d' "search_pointer: missing"
ok "check-config: an RT key" bad_config 's|^type = http|&\nqueue = A|' \
    "queue: belongs to type = rt"
head -c 40000 /dev/zero | tr '\0' ' ' >big.json
ok "check-config: a body file over 32 KiB" bad_config \
    's|^update_url = .*|&\nupdate_body_file = big.json|' \
    "big.json: longer than 32 KiB"

# A create the system refuses (400) is a dead letter; so is a create
# answer without the ticket id.
"$PY" "$LIBDIR/mkreports.py" md internal 198.51.100.1 "${DAY}T08:00:00Z" \
    'Gamma' 1 gi
"$PY" "$LIBDIR/mkreports.py" md external 198.51.100.1 "${DAY}T08:30:00Z" \
    'Gamma' 1 gx
ok "collect a confirmed case of gamma" "$AC" -c ac.ini collect
plan '{"create": [400]}'
"$AC" -c ac.ini deliver >d1.out 2>&1
is "deliver says a delivery failed" "$?" 75
is "the refused create is a dead letter" \
    "$(state cust-gamma case.confirmed)" "1|1"
ok "... that names the status" grep -q "HTTP 400" d1.out
is "no ticket" "$(tickets "$(key_of cust-gamma)")" "0 0"

"$PY" "$LIBDIR/mkreports.py" md internal 203.0.113.1 "${DAY}T08:00:00Z" \
    'Delta' 1 di
"$PY" "$LIBDIR/mkreports.py" md external 203.0.113.1 "${DAY}T08:30:00Z" \
    'Delta' 1 dx
ok "collect a confirmed case of delta" "$AC" -c ac.ini collect
plan '{"create": ["noid"]}'
"$AC" -c ac.ini deliver >d2.out 2>&1
is "deliver says a delivery failed" "$?" 75
is "a create answer without the id is a dead letter" \
    "$(state cust-delta case.confirmed)" "1|1"
ok "... that says so" grep -q "the create answer has no ticket id at $NOID_PTR" \
    d2.out

# alpha: internal and external (confirmed); beta internal only.
mkreport internal 192.0.2.10 10:00 'Cheap "pills"' 2 a
mkreport external 192.0.2.10 10:30 'Cheap "pills"' 1 b
mkreport internal 192.0.2.20 09:00 'Only internal' 2 c
ok "collect" "$AC" -c ac.ini collect
KEY=$(key_of cust-alpha)
n=$(requests)
"$AC" -c ac.ini --dry-run deliver >dry.out 2>dry.err
is "deliver --dry-run exits 0" "$?" 0
ok "... prints the search and the create, not the secret" sh -c \
    'grep -q "^GET $0/.*$1" dry.out && grep -q "^POST $0/" dry.out &&
    grep -q "Cheap \\\\\"pills\\\\\"" dry.out &&
    grep -q "^Authorization: (hidden)" dry.out &&
    ! grep -q "$2" dry.out dry.err' "$URL" "$KEY" "$SECRET"
is "... and sends nothing" "$(requests)" "$n"

plan '{"create": [429]}'
"$AC" -c ac.ini deliver >d3.out 2>&1
is "a 429 to the create: deliver says a delivery failed" "$?" 75
is "... and the event waits for a retry" \
    "$(state cust-alpha case.confirmed)" "1|0"
is "no ticket yet" "$(tickets "$KEY")" "0 0"
ok "the retry delivers it" deliver_until_idle 30
is "one ticket holds alpha's case key" "$(tickets "$KEY")" "1 0"
is "the store has its id" \
    "$(q "SELECT ticket_id FROM case_tickets WHERE customer = 'cust-alpha'")" \
    "$ID1"
is "no ticket for beta (not confirmed)" \
    "$(q "SELECT count(*) FROM case_tickets WHERE customer = 'cust-beta'")" 0
ok "its text has the customer, the day and the evidence" "$PY" -c '
import json, sys
t = json.load(open("srv/state.json"))[0]
head = t.get("summary") or t["title"]
assert "cust-alpha" in head and sys.argv[2] in head, head
c = t["text"]
assert c.count("192.0.2.10") == 3, c
assert "Cheap \"pills\"" in c and "Case key: " + sys.argv[1] in c, c
assert "\nReports counted:\n" in c, c' "$KEY" "$DAY"
ok "cases shows the ticket" sh -c '"$0" -c ac.ini cases | tr -d "\r" |
    grep -q "^$1,cust-alpha,confirmed,.*,$2,,\$"' "$AC" "$DAY" "$ID1"
ok "report" "$AC" -c ac.ini report --date "$DAY"
ok "the summary CSV has the ticket and its link" grep -qF \
    ",$ID1,$LINK1" "out/summary-$DAY.csv"

# A later external report escalates the case: one update, after a 409.
mkreport external 192.0.2.11 10:50 'Cheap "pills"' 1 d
ok "collect the escalation" "$AC" -c ac.ini collect
plan '{"update": [409]}'
"$AC" -c ac.ini deliver >d4.out 2>&1
is "a 409 to the update: deliver says a delivery failed" "$?" 75
is "... and the event waits for a retry" \
    "$(state cust-alpha case.escalated)" "1|0"
ok "the retry delivers it" deliver_until_idle 30
is "still one ticket, with one comment" "$(tickets "$KEY")" "1 1"
ok "the comment is the escalation's" "$PY" -c '
import json
c = json.load(open("srv/state.json"))[0]["comments"][0]
assert "Event: case.escalated" in c and "192.0.2.11" in c, c'

# Rerun, re-import: nothing new.
n=$(requests)
ok "deliver again" "$AC" -c ac.ini deliver
is "... sends nothing" "$(requests)" "$n"
ok "re-import the reports" "$AC" -c ac.ini import md
ok "and deliver" "$AC" -c ac.ini deliver
is "no new ticket, no new comment" "$(tickets "$KEY")" "1 1"

# The store loses the ticket ids and the creating event is due again
# (as after a kill -9 between the create and the commit): the search
# finds the ticket, and the event lands on it.
q "DELETE FROM case_tickets; UPDATE outbox SET delivered_at = NULL
    WHERE kind = 'case.confirmed' AND dead = 0"
ok "deliver with the ids lost" "$AC" -c ac.ini deliver
is "still one ticket (the event is a comment on it)" \
    "$(tickets "$KEY")" "1 2"
is "and the store has its id again" \
    "$(q "SELECT ticket_id FROM case_tickets WHERE customer = 'cust-alpha'")" \
    "$ID1"

# Dismissing both external reports unconfirms the case: an update that
# says so.
X=$(q "SELECT group_concat(id, ' ') FROM reports WHERE role = 'external'
    AND customer = 'cust-alpha'")
ok "dismiss" "$AC" -c ac.ini dismiss $X --reason 'forwarded by mistake'
"$AC" -c ac.ini --dry-run deliver >dry2.out 2>&1
ok "deliver --dry-run prints the update of ticket $ID1" \
    grep -q "^# $TGT case.unconfirmed .*: ticket $ID1 is updated:" dry2.out
ok "deliver the unconfirmation" "$AC" -c ac.ini deliver
is "one more comment on the same ticket" "$(tickets "$KEY")" "1 3"
ok "it says the case is no longer confirmed, and why" "$PY" -c '
import json
c = json.load(open("srv/state.json"))[0]["comments"][-1]
assert "no longer confirmed" in c and "forwarded by mistake" in c, c'
is "no other ticket" "$("$PY" -c 'import json
print(len(json.load(open("srv/state.json"))))')" 1
ok "the secret is in no output" sh -c '! grep -q "$0" *.out deliver.log' \
    "$SECRET"
done_testing
