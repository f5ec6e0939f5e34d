#!/bin/sh
# Investigating a customer over the repository's corpus: every search
# of reports (--customer, --ip for IPv4 and IPv6 prefixes, --user,
# --message-id, combined with each other and with --since/--until) and
# cases --customer return exactly the rows of a query written here, in
# SQL and Python's ipaddress; a terminal gets a table.  The summary's
# case rows link to each customer's page, whose file name is safe for
# any customer id; the page renders in headless Chromium without
# console errors, makes no request, runs nothing and lists the
# customer's reports of the last 30 days with their show ids.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json,sqlite3,ipaddress
command -v chromium >/dev/null 2>&1 || skip_all "chromium not installed"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

EVIL=$(printf '%s' "Ä <img src=x onerror=alert(1)> \"d\" & 'x'/..")
mkdir -p "$T/var"
cat >"$T/nets.csv" <<EOT
cidr,customer
192.0.2.0/25,cust-a
192.0.2.128/25,cust-b
203.0.113.0/24,cust-c
198.51.100.0/24,"Ä <img src=x onerror=alert(1)> ""d"" & 'x'/.."
2001:db8::/33,cust-e
EOT
cat >"$T/ac.ini" <<EOT
[store]
path = var/abuse.db
[resolver]
order = network
networks_file = nets.csv
[report]
output_dir = out
EOT
chmod 600 "$T/ac.ini"
cd "$T" || exit 1
find "$top_srcdir/tests/corpus" -name '*.eml' | sort >corpus.list
xargs "$AC" -c ac.ini import <corpus.list
ok "the corpus is imported" test "$(q 'SELECT count(*) FROM reports')" -gt 50
is "every customer has reports, the evil one too" \
    "$(q "SELECT count(DISTINCT customer) FROM reports")" 6

# Each search as the command gives it (ids, in its order) and as the
# query of this test gives it.
search() {
	"$AC" -c ac.ini reports --format json "$@" |
	    "$PY" -c 'import json, sys
print(" ".join(str(json.loads(l)["id"]) for l in sys.stdin))'
}
# want [customer=C] [ip=P] [user=U] [mid=M] [since=D] [until=D]
want() {
	"$PY" - "$T/var/abuse.db" "$@" <<'PYEOF'
import ipaddress, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
a = dict(x.split("=", 1) for x in sys.argv[2:])
def net_has(ip):
    if ip is None:
        return False
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(a["ip"])
    except ValueError:
        return False
out = []
for (i, day, cust, sip, oip, au, sa, mid, own) in db.execute(
        "SELECT r.id, r.day, r.customer, r.source_ip, r.origin_ip,"
        " r.auth_user, r.smtp_auth, r.message_id, m.report_msgid"
        " FROM reports r JOIN messages m ON m.id = r.message"
        " ORDER BY r.occurred_at, r.id"):
    if "customer" in a and cust != a["customer"]:
        continue
    if "ip" in a and not (net_has(sip) or net_has(oip)):
        continue
    if "user" in a and a["user"].lower() not in (
            (au or "").lower(), (sa or "").lower()):
        continue
    if "mid" in a and a["mid"].strip("<>") not in (
            (mid or "").strip("<>"), (own or "").strip("<>")):
        continue
    if "since" in a and day < a["since"] or "until" in a and day > a["until"]:
        continue
    out.append(str(i))
print(" ".join(out))
PYEOF
}
# same "what" "WANT ARGS" REPORTS ARGS...: the same ids, and some.
same() {
	local what=$1 w=$2 got exp
	shift 2
	got=$(search "$@")
	# shellcheck disable=SC2086
	exp=$(IFS='|'; want $w)
	is "$what: $(echo "$exp" | wc -w) reports" "$got" "$exp"
	[ -n "$exp" ] || echo "# $what: the query finds nothing"
}

for c in cust-a cust-b cust-c cust-e "$EVIL" "(unresolved)"; do
	same "--customer $c" "customer=$c" --customer "$c"
done
for p in 192.0.2.0/24 192.0.2.160/28 203.0.113.77 198.51.100.0/25 \
    0.0.0.0/0 2001:db8::/32 2001:db8::/120 2001:db8::99; do
	same "--ip $p" "ip=$p" --ip "$p"
done
USERS=$(q "SELECT DISTINCT coalesce(auth_user, smtp_auth) FROM reports
    WHERE coalesce(auth_user, smtp_auth) IS NOT NULL ORDER BY 1 LIMIT 4")
for u in $USERS; do
	U=$(echo "$u" | tr a-z A-Z)
	same "--user $U (case ignored)" "user=$U" --user "$U"
done
for m in $(q "SELECT message_id FROM reports WHERE message_id IS NOT NULL
    ORDER BY id LIMIT 3"); do
	same "--message-id <$m>" "mid=$m" --message-id "<$m>"
done
OWN=$(q "SELECT report_msgid FROM messages m JOIN reports r
    ON r.message = m.id WHERE report_msgid LIKE '<%>' ORDER BY r.id LIMIT 1")
same "--message-id of the report itself" "mid=$OWN" --message-id "$OWN"
DAYS=$(q "SELECT min(day) || ' ' || max(day) FROM
    (SELECT day FROM reports ORDER BY day LIMIT 20 OFFSET 10)")
S=${DAYS% *} U=${DAYS#* }
same "--ip 192.0.2.0/24 --since $S --until $U" \
    "ip=192.0.2.0/24|since=$S|until=$U" --ip 192.0.2.0/24 --since "$S" \
    --until "$U"
same "--customer cust-b --ip 192.0.2.128/26" \
    "customer=cust-b|ip=192.0.2.128/26" --customer cust-b \
    --ip 192.0.2.128/26
same "--customer cust-a --ip 203.0.113.0/24 (nothing)" \
    "customer=cust-a|ip=203.0.113.0/24" --customer cust-a \
    --ip 203.0.113.0/24
U1=$(echo "$USERS" | head -1)
same "--user $U1 --message-id of its first report" \
    "user=$U1|mid=$(q "SELECT message_id FROM reports WHERE auth_user = '$U1'
        OR smtp_auth = '$U1' ORDER BY occurred_at, id LIMIT 1")" \
    --user "$U1" --message-id "$(q "SELECT message_id FROM reports
        WHERE auth_user = '$U1' OR smtp_auth = '$U1'
        ORDER BY occurred_at, id LIMIT 1")"
is "CSV gives the same rows as JSON" \
    "$("$AC" -c ac.ini reports --customer cust-b --format csv |
        sed 1d | cut -d, -f1 | tr '\n' ' ')" \
    "$(search --customer cust-b) "

# cases --customer, with --since and --until.
is "cases --customer C --since --until: the days of the query" \
    "$("$AC" -c ac.ini cases --customer cust-a --since "$S" --until "$U" |
        sed 1d | cut -d, -f1,2 | tr '\n' ' ')" \
    "$(q "SELECT day || ',' || customer FROM cases WHERE customer = 'cust-a'
        AND day BETWEEN '$S' AND '$U' ORDER BY day" | tr '\n' ' ')"
is "cases --customer of the evil id (JSON)" \
    "$("$AC" -c ac.ini cases --customer "$EVIL" --format json |
        "$PY" -c 'import json, sys
print(" ".join(json.loads(l)["day"] for l in sys.stdin))')" \
    "$(q "SELECT day FROM cases WHERE customer = (SELECT customer FROM
        reports WHERE source_ip LIKE '198.51.100.%' LIMIT 1) ORDER BY day" |
        tr '\n' ' ' | sed 's/ $//')"

for bad in 192.0.2.1/24 192.0.2.0/33 2001:db8::/129 nonsense ''; do
	"$AC" -c ac.ini reports --ip "$bad" >/dev/null 2>"$T/err"
	is "--ip '$bad' is a usage error" "$?" 64
done
ok "... saying what is wrong" grep -q "without host bits" "$T/err"
"$AC" -c ac.ini reports --review --customer cust-a >/dev/null 2>&1
is "--review does not combine with a search" "$?" 64

# On a terminal: a table of the chosen columns, one line per report.
script -qec "'$AC' -c ac.ini reports --customer cust-c" /dev/null \
    >"$T/tty.out" </dev/null
is "a terminal gets a table: header and one line per report" \
    "$(tr -d '\r' <"$T/tty.out" | sed -n 1p | tr -s ' ')|$(($(wc -l <"$T/tty.out") - 1))" \
    "id occurred_at format role customer source_ip auth_user subject state|$(q "SELECT count(*) FROM reports WHERE customer = 'cust-c'")"
script -qec "'$AC' -c ac.ini cases --customer cust-c" /dev/null \
    >"$T/tty.out" </dev/null
ok "cases too" grep -q "^day  *customer  *confidence" "$T/tty.out"

# The customer's page.  The day of the evil customer's latest case.
D=$(q "SELECT max(day) FROM cases WHERE customer LIKE 'Ä%'")
ok "report of $D" "$AC" -c ac.ini report --date "$D"
NAME=$("$PY" -c 'import sys
out = "customer-"
for b in sys.argv[1].encode():
    c = chr(b)
    out += c if c.isascii() and (c.isalnum() or c in "-.") else "_%02x" % b
print(out + ".html")' "$EVIL")
ok "customer pages for every customer with a case that day" test \
    "$(ls out | grep -c '^customer-')" = \
    "$(q "SELECT count(*) FROM cases WHERE day = '$D'
        AND customer <> '(unresolved)'")"
ok "the evil customer's page has a safe name ($NAME)" test -f "out/$NAME"
is "static check of the customer page: no foreign element or attribute, a strict CSP" \
    "$("$PY" "$LIBDIR/htmlcheck.py" "out/$NAME")" ""
is "static check of the summary with its links" \
    "$("$PY" "$LIBDIR/htmlcheck.py" "out/summary-$D.html")" ""

CDP="$PY $LIBDIR/cdp.py"
$CDP "out/summary-$D.html" \
    --eval "[...document.querySelectorAll('section tbody a')].map(a => a.getAttribute('href')).join(' ')" \
    >"$T/summary.out" 2>&1
val() { grep "^$1: " "$2" | sed "s/^$1: //"; }
evals() { grep '^eval: ' "$1" | sed 's/^eval: //'; }
ok "the summary's case rows link to the customer pages" \
    sh -c "evals() { grep '^eval: ' \"\$1\" | sed 's/^eval: //'; }
    evals '$T/summary.out' | tr ' ' '\n' | grep -qx '$NAME'"

IDS=$(q "SELECT id FROM reports WHERE customer LIKE 'Ä%'
    AND day BETWEEN date('$D', '-29 days') AND '$D'
    ORDER BY occurred_at DESC, id DESC" | tr '\n' ' ' | sed 's/ $//')
CASES=$(q "SELECT count(*) FROM cases WHERE customer LIKE 'Ä%'
    AND day BETWEEN date('$D', '-29 days') AND '$D'")
$CDP "out/$NAME" --screenshot "$T/customer.png" --full-page \
    --eval "document.body.innerText.includes(\"Customer $(echo "$EVIL" | sed 's/"/\\"/g')\")" \
    --eval "[...document.querySelectorAll('#reports tbody tr')].map(r => r.cells[0].textContent).join(' ')" \
    --eval "document.querySelectorAll('#cases tbody tr').length" \
    --eval "document.querySelectorAll('#chart svg > g').length" \
    --eval "document.querySelector('nav a').getAttribute('href')" \
    >"$T/customer.out" 2>&1
is "Chromium ran" "$(grep -c '^error:' "$T/customer.out")" 0
is "no console errors, exceptions, dialogs or requests" \
    "$(val console_errors "$T/customer.out") $(val exceptions "$T/customer.out") $(val dialogs "$T/customer.out") $(val requests "$T/customer.out")" \
    "0 0 0 0"
is "the title names the customer, as text" "$(val title "$T/customer.out")" \
    "Customer $EVIL"
is "no script, image, frame, form or link element" \
    "$(val elements "$T/customer.out")" \
    '{"script":0,"img":0,"iframe":0,"object":0,"embed":0,"link":0,"form":0,"input":0,"base":0,"audio":0,"video":0}'
is "no element has an event handler attribute" \
    "$(val event_handler_attributes "$T/customer.out")" 0
is "the id shows as text; its reports of 30 days by show id, newest first; its cases; 30 days charted; back to the summary" \
    "$(evals "$T/customer.out" | tr '\n' '|')" \
    "True|$IDS|$CASES|30|summary-$D.html|"
INK=$(val screenshot_ink "$T/customer.out")
ok "the screenshot is not blank (ink $INK)" "$PY" -c "import sys
sys.exit(not $INK > 0.03)"
$CDP "out/$NAME" --width 375 --height 740 >"$T/phone.out" 2>&1
is "on a 375px phone nothing is wider than the screen" \
    "$(val viewport_width "$T/phone.out") $(val scroll_width "$T/phone.out")" \
    "375 375"
FIRST=${IDS%% *}
"$AC" -c ac.ini show --raw "$FIRST" >"$T/first.eml"
SHA=$(q "SELECT m.sha256 FROM reports r JOIN messages m ON m.id = r.message
    WHERE r.id = $FIRST")
ok "the first report's show id gives its message, a file of the corpus" \
    cmp "$T/first.eml" "$("$PY" -c 'import hashlib, sys
for p in sys.stdin.read().split("\n"):
    if p and hashlib.sha256(open(p, "rb").read()).hexdigest() == sys.argv[1]:
        print(p)
        break' "$SHA" <corpus.list)"
done_testing
