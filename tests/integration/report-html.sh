#!/bin/sh
# summary-D.html in headless Chromium: it renders without console
# errors, the screenshot is not blank, it fits a phone and prints; every
# hostile string from the data shows as text and runs nothing.  The
# harness proves it can see a script run: the same page unescaped runs
# it, and with its CSP the browser refuses it.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v chromium >/dev/null 2>&1 || skip_all "chromium not installed"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

base_config
EVIL_CUSTOMER='<b onmouseover=alert(4)>evil</b>'
echo "203.0.113.32/28,$EVIL_CUSTOMER" >>"$T/nets.csv"
DOWN_PORT=$(free_port)
secret_file "$T/k.secret" k
cat >>"$T/ac.ini" <<EOT
[source broken]
type = maildir
path = no-such-maildir
[limits]
max_message_size = 64k
[webhook gone]
url = http://127.0.0.1:$DOWN_PORT/
allow_plaintext = yes
secret_file = k.secret
max_attempts = 1
timeout = 2s
EOT
S1='<img src=x onerror=alert(1)>'
S2='<script>document.title="pwned"</script>'
S3='"><svg onload=alert(2)>'
S4="x' onmouseover='alert(3)"
mkreport internal 192.0.2.10 10:00 'Cheap <b>stuff</b>' 3 a
mkreport external 192.0.2.10 11:00 'Cheap <b>stuff</b>' 2 b
mkreport internal 192.0.2.20 09:00 "$S2" 2 c
mkreport external 198.51.100.7 09:00 "$S3" 1 d
mkreport internal 203.0.113.33 09:00 "$S4" 1 e
mkreport external 203.0.113.200 09:00 "$S1" 1 f
for ip in 192.0.2.10 192.0.2.20 198.51.100.7 203.0.113.5; do
	"$PY" "$LIBDIR/mkreports.py" "$T/md" internal "$ip" \
	    "${PREV}T09:00:00Z" 'The day before' 1 "p$ip"
done
"$PY" -c 'import sys
open(sys.argv[1], "w").write("From: a@example.org\r\nSubject: big\r\n\r\n"
    + "x" * 100000)' "$T/md/new/1.big"
cd "$T" || exit 1
"$AC" -c ac.ini collect 2>"$T/collect.err"
is "collect: the broken source is a temporary failure" "$?" 75
"$AC" -c ac.ini deliver 2>/dev/null
ok "the unreachable webhook left dead letters" test \
    "$(q "SELECT count(*) FROM outbox WHERE dead = 1")" -gt 0
ok "report of the day" "$AC" -c ac.ini report --date "$DAY"
TODAY=$(date -u +%Y-%m-%d)
ok "report of today" "$AC" -c ac.ini report --date "$TODAY"
PAGE="$T/out/summary-$DAY.html"

is "static check: only the page's own elements and attributes, a strict CSP" \
    "$("$PY" "$LIBDIR/htmlcheck.py" "$PAGE")" ""

CDP="$PY $LIBDIR/cdp.py"
$CDP "$PAGE" --screenshot "$T/desktop.png" --full-page \
    --eval "['$S1', '$S2', '$S3'].every(s => document.body.innerText.includes(s))" \
    --eval "document.body.innerText.includes(\"$S4\")" \
    --eval "[...document.querySelectorAll('svg title')].some(t => t.textContent.includes('$EVIL_CUSTOMER'))" \
    --eval "[...document.querySelectorAll('.card .n')].map(e => e.textContent).join(',')" \
    --eval "[...document.querySelectorAll('.card .d')].map(e => e.textContent.split(' ')[0]).join(',')" \
    --eval "['confirmed', 'internal', 'external', 'unresolved'].map(s => document.querySelectorAll('#' + s + ' tbody tr').length).join(',')" \
    --eval "document.querySelectorAll('#dead tbody tr').length" \
    --eval "[...document.querySelectorAll('#charts svg')].map(s => s.querySelectorAll(':scope > g').length).join(',')" \
    --eval "document.querySelector('#confirmed tbody td').textContent" \
    >"$T/desktop.out" 2>&1
val() { grep "^$1: " "$2" | sed "s/^$1: //"; }
evals() { grep '^eval: ' "$1" | sed 's/^eval: //' | tr '\n' '|'; }
is "Chromium ran" "$(grep -c '^error:' "$T/desktop.out")" 0
is "no console errors, exceptions or dialogs" \
    "$(val console_errors "$T/desktop.out") $(val exceptions "$T/desktop.out") $(val dialogs "$T/desktop.out")" \
    "0 0 0"
is "the title is the page's own" "$(val title "$T/desktop.out")" \
    "Abuse summary $DAY"
is "no script, image, frame, form or link element" \
    "$(val elements "$T/desktop.out")" \
    '{"script":0,"img":0,"iframe":0,"object":0,"embed":0,"link":0,"form":0,"input":0,"base":0,"audio":0,"video":0}'
is "no element has an event handler attribute" \
    "$(val event_handler_attributes "$T/desktop.out")" 0
is "hostile strings show as text; glance counts and changes; table rows; dead letters; charts; first confirmed customer" \
    "$(evals "$T/desktop.out")" \
    "True|True|True|1,2,1,1,0|+1,−2,+1,+1,±0|1,2,1,1|$(q "SELECT count(*) FROM outbox WHERE dead = 1")|4,14|cust-alpha|"
INK=$(val screenshot_ink "$T/desktop.out")
ok "the screenshot is not blank (ink $INK, $(val screenshot_colors "$T/desktop.out") colours)" \
    "$PY" -c "import sys; sys.exit(not ($INK > 0.03 and
    $(val screenshot_colors "$T/desktop.out") > 20))"

$CDP "$PAGE" --width 375 --height 740 \
    --eval "document.querySelector('h1 time').getClientRects().length" \
    --eval "Math.min(...[...document.querySelectorAll('svg text')].map(t => Math.round(parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a * 10) / 10))" \
    >"$T/phone.out" 2>&1
is "on a 375px phone nothing is wider than the screen" \
    "$(val viewport_width "$T/phone.out") $(val scroll_width "$T/phone.out") $(val console_errors "$T/phone.out")" \
    "375 375 0"
is "the date in the title stays on one line" \
    "$(grep '^eval: ' "$T/phone.out" | sed -n 1p)" "eval: 1"
SMALLEST=$(grep '^eval: ' "$T/phone.out" | sed -n '2s/^eval: //p')
ok "the smallest chart label is $SMALLEST px, 11 or more" \
    "$PY" -c "import sys; sys.exit(not ($SMALLEST >= 11))"
$CDP "$PAGE" --media print --pdf "$T/print.pdf" \
    --eval "getComputedStyle(document.querySelector('nav')).display" \
    >"$T/print.out" 2>&1
is "printing hides the navigation" "$(evals "$T/print.out")" "none|"
ok "and makes a PDF" test "$(val pdf_bytes "$T/print.out")" -gt 10000
ok "the PDF is one" sh -c "head -c 5 '$T/print.pdf' | grep -q '%PDF-'"

# The controls.  Unescaped and without its CSP the hostile data runs:
# the harness sees the dialogs and the changed title.
"$PY" - "$PAGE" "$T/unsafe.html" "$T/unescaped-csp.html" <<'PYEOF'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
raw = page
for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'")):
    raw = raw.replace(a, b)
open(sys.argv[3], "w", encoding="utf-8").write(raw)
open(sys.argv[2], "w", encoding="utf-8").write(
    re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", raw))
PYEOF
$CDP "$T/unsafe.html" >"$T/unsafe.out" 2>&1
ok "control: the unescaped page without CSP runs the scripts ($(val dialogs "$T/unsafe.out") dialogs, title '$(val title "$T/unsafe.out")')" \
    test "$(val dialogs "$T/unsafe.out")" -ge 1 -a \
    "$(val title "$T/unsafe.out")" = pwned
$CDP "$T/unescaped-csp.html" >"$T/csp.out" 2>&1
is "control: with the CSP the browser refuses them (no dialog, same title)" \
    "$(val dialogs "$T/csp.out") $(val title "$T/csp.out")" "0 Abuse summary $DAY"
ok "and says so on the console ($(val console_errors "$T/csp.out") errors)" \
    grep -q "^console: error security: .*Content Security Policy" "$T/csp.out"

# Today: the quarantined message and the run health.
$CDP "$T/out/summary-$TODAY.html" \
    --eval "document.querySelector('#quarantine tbody').innerText" \
    --eval "[...document.querySelectorAll('#health tbody tr')].map(r => r.innerText.replace(/\\s+/g, ' ')).filter(t => t.startsWith('broken')).join()" \
    --eval "[...document.querySelectorAll('#health h3')].find(h => h.textContent == 'Failed runs').nextElementSibling.querySelector('tbody').innerText.replace(/\\s+/g, ' ')" \
    >"$T/today.out" 2>&1
is "today's page renders cleanly" "$(val console_errors "$T/today.out") $(val dialogs "$T/today.out")" "0 0"
ok "the quarantined message is listed with its reason" \
    grep -q "^eval: .*archive.*over the limit of 65536" "$T/today.out"
ok "the broken source shows a failure and its error" \
    grep -q "^eval: broken 0 0 1 [0-9:]* broken: cannot read Maildir" "$T/today.out"
ok "the failed run is listed" grep -q \
    "^eval: [0-9:]* collect 75 broken: cannot read Maildir" "$T/today.out"
done_testing
