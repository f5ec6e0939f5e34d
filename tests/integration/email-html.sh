#!/bin/sh
# The summary e-mail's HTML part, as it arrives at an SMTP server on
# loopback: caniemail's data (npm @jsx-email/doiuse-email) marks nothing
# in it unsupported by Gmail, Outlook for Windows and macOS, Apple Mail
# and Yahoo; it is 640 pixels wide at most, every cell has its own
# background and text colour; and in headless Chromium with every style
# block removed (what Outlook does at worst) the day at a glance, the
# charts as coloured cells and the tables still show, in order.  The
# same checks run on the page on disk, which fails them: they can fail.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
NPM_DIR=${AC_NPM_DIR:-$top_srcdir/tests/npm}
command -v node >/dev/null 2>&1 || skip_all "node not installed"
[ -d "$NPM_DIR/node_modules/@jsx-email/doiuse-email" ] ||
    skip_all "npm package @jsx-email/doiuse-email not installed in" \
    "$NPM_DIR (README quick start: npm install --prefix tests/npm ...)"
command -v chromium >/dev/null 2>&1 || skip_all "chromium not installed"
email_prelude
start_smtpsrv S --mode starttls --cert "$T/pki/server.pem" \
    --key "$T/pki/server.key" || skip_all "SMTP server did not start"
cat >>"$T/ac.ini" <<EOT
[email]
url = smtp://127.0.0.1:$S_PORT
from = abuse-collector@example.net
to = desk@example.net
ca_file = pki/ca.pem
subject = Résumé {day}: {confirmed} confirmed
[notify]
contacts_file = contacts.csv
from = abuse@example.net
EOT
printf 'customer,email\ncust-alpha,noc@alpha.example\ncust-beta,noc@beta.example\n' \
    >"$T/contacts.csv"
LONG=$(printf 'x%.0s' $(seq 1 150))
mkreport internal 192.0.2.10 10:00 'Cheap <b>stuff</b>' 6 a
mkreport external 192.0.2.10 11:00 'Cheap <b>stuff</b>' 2 b
mkreport internal 192.0.2.20 09:00 "$LONG" 3 c
mkreport external 198.51.100.7 09:00 '"><svg onload=alert(2)>' 1 d
mkreport external 203.0.113.200 09:00 'Nobody of ours' 1 f
for ip in 192.0.2.10 198.51.100.7; do
	"$PY" "$LIBDIR/mkreports.py" "$T/md" internal "$ip" \
	    "${PREV}T09:00:00Z" 'The day before' 1 "p$ip"
done
cd "$T" || exit 1
ok "collect" "$AC" -c ac.ini collect
# cust-alpha's case is confirmed: its notice shows as sent, under it.
is "one notice queued, for the confirmed customer" \
    "$(q "SELECT customer, event FROM notices")" "cust-alpha|case.confirmed"
q "UPDATE notices SET sent_at = CAST(strftime('%s', '${DAY}T06:10:44Z')
    AS INTEGER)"
ok "report --email" "$AC" -c ac.ini -q report --date "$DAY" --email
is "one message arrived" "$(spooled "$S_SPOOL")" 1
"$PY" - "$S_SPOOL/1.eml" "$T/mail.html" <<'PYEOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=email.policy.default)
open(sys.argv[2], "w", encoding="utf-8").write(
    m.get_body(("html",)).get_content())
PYEOF
PAGE="$T/out/summary-$DAY.html"
is "the message is still the summary (text part, attachment, headers)" \
    "$("$PY" "$LIBDIR/mailcheck.py" "$S_SPOOL/1.eml" "$DAY" \
    desk@example.net "Résumé $DAY: 1 confirmed" \
    "$T/out/summary-$DAY.csv")" ""

CLIENTS="gmail.* outlook.windows outlook.macos apple-mail.* yahoo.*"
# shellcheck disable=SC2086
node "$LIBDIR/emailcheck.mjs" "$NPM_DIR" "$T/mail.html" $CLIENTS \
    >"$T/caniemail.out" 2>&1
is "caniemail: nothing unsupported by $CLIENTS" "$?:$(cat "$T/caniemail.out")" "0:"
# shellcheck disable=SC2086
node "$LIBDIR/emailcheck.mjs" "$NPM_DIR" "$PAGE" $CLIENTS \
    >"$T/caniemail-page.out" 2>&1
ok "control: the page on disk has unsupported features ($(wc -l <"$T/caniemail-page.out"))" \
    grep -q "display:grid. is not supported by .gmail" "$T/caniemail-page.out"
is "no style block, SVG, rem or positioning in the mail" \
    "$(grep -c -i -E '<style|<svg|[0-9.]rem|position:|display:(grid|flex)' "$T/mail.html")" 0

# Every style block removed: Outlook's worst case.
nostyle() {
	"$PY" -c 'import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(
    re.sub(r"(?is)<style\b.*?</style>", "", h))' "$1" "$2"
}
nostyle "$T/mail.html" "$T/mail-bare.html"
nostyle "$PAGE" "$T/page-bare.html"
ok "the page had a style block to remove" test \
    "$(wc -c <"$T/page-bare.html")" -lt "$(wc -c <"$PAGE")"

# The checks, run in the browser: each prints one value.
SECTIONS="The day at a glance|Reports per customer|The last 14 days|Confirmed customers|Internal only|External only|Unresolved reports|Needs review|Quarantined messages|Run health"
CHECKS=$(cat <<'JSEOF'
(() => {
	const t = document.body.innerText;
	const want = SECTIONS.split('|');
	const at = want.map(s => t.indexOf(s));
	return at.every((v, i) => v >= 0 && (i == 0 || v > at[i - 1])) ?
	    'in order' : 'order ' + JSON.stringify(at);
})()
JSEOF
)
CHECKS2=$(cat <<'JSEOF'
(() => {
	// The glance: each number above its label, five cells side by side.
	const i = document.body.innerText.indexOf('The day at a glance');
	const t = document.body.innerText.slice(i, i + 400);
	const m = t.match(/(\d+)\s*\n\s*confirmed customers\s*\n\s*[+±−]\d+ vs/);
	const cells = [...document.querySelectorAll('td')].filter(td =>
	    !td.querySelector('td') && /^\d+\s*\n\s*(confirmed customers|internal only|external only|unresolved reports|quarantined messages)\b/.test(td.innerText.trim()));
	const tops = new Set(cells.map(c => Math.round(c.getBoundingClientRect().top)));
	return (m ? 'confirmed ' + m[1] : 'glance runs together: ' + JSON.stringify(t.slice(0, 80))) +
	    ', ' + cells.length + ' cells in ' + tops.size + ' row';
})()
JSEOF
)
CHECKS3=$(cat <<'JSEOF'
(() => {
	// The charts: bars are cells of the chart colours, as wide as their
	// numbers say.
	const rgb = h => 'rgb(' + [1, 3, 5].map(i => parseInt(h.substr(i, 2), 16)).join(', ') + ')';
	const bars = c => [...document.querySelectorAll('td[title]')].filter(td =>
	    getComputedStyle(td).backgroundColor == rgb(c) &&
	    td.getBoundingClientRect().width > 0 && td.getBoundingClientRect().height > 0 &&
	    td.innerText.trim() == '');
	const w = c => bars(c).map(td => Math.round(td.getBoundingClientRect().width));
	return 'internal ' + w('#3867d6').join(',') + '; external ' + w('#e07b10').join(',') +
	    '; confirmed ' + w('#c0392b').join(',');
})()
JSEOF
)
CHECKS4=$(cat <<'JSEOF'
(() => {
	// At most 640 pixels wide, nothing sticking out; every cell with its
	// own colours; no text outside a cell.
	const box = document.getElementById('summary');
	if (!box) return 'no #summary';
	const r = box.getBoundingClientRect();
	const out = [...box.querySelectorAll('*')].filter(e =>
	    e.getBoundingClientRect().right > r.right + 0.5).length;
	const bare = [...document.querySelectorAll('td,th')].filter(c =>
	    !c.style.backgroundColor || !c.style.color).length;
	const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	let loose = 0;
	for (let n; (n = w.nextNode()); )
		if (n.textContent.trim() && !n.parentElement.closest('td,th'))
			loose++;
	return 'width ' + Math.round(r.width) + ', ' + out + ' sticking out, ' +
	    bare + ' cells without colours, ' + loose + ' texts outside cells';
})()
JSEOF
)
js() { printf '%s' "$1" | sed "s/SECTIONS/'$SECTIONS'/"; }
browse() {
	"$PY" "$LIBDIR/cdp.py" "$1" --width 1280 --height 900 \
	    --screenshot "$2" --full-page \
	    --eval "$(js "$CHECKS")" --eval "$CHECKS2" --eval "$CHECKS3" \
	    --eval "$CHECKS4" \
	    --eval "[...document.querySelectorAll('table')].filter(t => /^\s*Customer\s/.test(t.innerText)).map(t => t.rows.length - 1).join(',')"
}
val() { grep "^$1: " "$2" | sed "s/^$1: //"; }
evals() { grep '^eval: ' "$1" | sed 's/^eval: //'; }
browse "$T/mail-bare.html" "$T/mail-bare.png" >"$T/mail.out" 2>&1
is "Chromium ran, no console errors" \
    "$(grep -c '^error:' "$T/mail.out") $(val console_errors "$T/mail.out")" "0 0"
evals "$T/mail.out" >"$T/mail.evals"
is "without style blocks: the sections in order" "$(sed -n 1p "$T/mail.evals")" \
    "in order"
is "the glance: number over label over change, five cells in one row" \
    "$(sed -n 2p "$T/mail.evals")" "confirmed 1, 5 cells in 1 row"
# Per customer (the longest bar 340 px): cust-alpha 6 internal and 2
# external, cust-beta 3 internal, cust-gamma 1 external.  The trend, day
# by day: the day before has 2 customers internal only, the day 1 each
# of confirmed, internal only and external only (the most: 3 customers).
is "the charts are coloured cells as wide as their numbers" \
    "$(sed -n 3p "$T/mail.evals")" \
    "internal 340,170,226,113; external 113,56,113; confirmed 113"
is "640 px wide, nothing wider, colours on every cell, no loose text" \
    "$(sed -n 4p "$T/mail.evals")" \
    "width 640, 0 sticking out, 0 cells without colours, 0 texts outside cells"
is "the notice shows under its customer, with the time as the mail shows it" \
    "$(grep -o '>notice [^<]*<' "$T/mail.html")" \
    ">notice confirmed: sent $DAY 06:10<"
is "the case tables: 1 confirmed, 1 internal only, 1 external only" \
    "$(sed -n 5p "$T/mail.evals")" "1,1,1"
INK=$(val screenshot_ink "$T/mail.out")
ok "the screenshot is not blank (ink $INK, $(val screenshot_colors "$T/mail.out") colours)" \
    "$PY" -c "import sys; sys.exit(not ($INK > 0.03))"
"$PY" - "$LIBDIR" "$T/mail-bare.png" >"$T/pixels.out" <<'PYEOF'
import sys
sys.path.insert(0, sys.argv[1])
from cdp import png_pixels
w, h, bpp, rows = png_pixels(open(sys.argv[2], "rb").read())
want = {(0x38, 0x67, 0xd6): "internal", (0xe0, 0x7b, 0x10): "external",
        (0xc0, 0x39, 0x2b): "confirmed"}
seen = {}
for row in rows:
    for x in range(0, w * bpp, bpp):
        px = tuple(row[x:x + 3])
        if px in want:
            seen[want[px]] = seen.get(want[px], 0) + 1
print(" ".join("%s %s" % (k, "yes" if seen.get(k, 0) > 200 else "no")
               for k in ("internal", "external", "confirmed")))
PYEOF
is "the screenshot shows the three bar colours" "$(cat "$T/pixels.out")" \
    "internal yes external yes confirmed yes"

# A day without reports says so first.
QUIET=$(date -u -d '5 days ago' +%Y-%m-%d)
ok "report --email of a quiet day" "$AC" -c ac.ini -q report --date "$QUIET" --email
is "a second message arrived" "$(spooled "$S_SPOOL")" 2
"$PY" - "$S_SPOOL/2.eml" <<'PYEOF' >"$T/quiet.txt"
import email, email.policy, html, re, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=email.policy.default)
h = m.get_body(("html",)).get_content()
t = html.unescape(re.sub(r"<[^>]+>", "", h))
print("\n".join(l.strip() for l in t.splitlines() if l.strip()))
PYEOF
is "its HTML part says first that no reports arrived" \
    "$(grep -A1 -x "The day at a glance" "$T/quiet.txt" | sed -n 2p)" "No reports arrived for $QUIET."

# The controls: the page on disk without its style block fails them.
browse "$T/page-bare.html" "$T/page-bare.png" >"$T/page.out" 2>&1
evals "$T/page.out" >"$T/page.evals"
ok "control: the bare page's glance runs together" \
    sh -c "! sed -n 2p '$T/page.evals' | grep -q '^confirmed 1, 5 cells in 1 row'"
ok "control: its charts are no coloured cells" \
    sh -c "sed -n 3p '$T/page.evals' | grep -qx 'internal ; external ; confirmed '"
ok "control: its cells have no colours of their own" \
    sh -c "! sed -n 4p '$T/page.evals' | grep -q ' 0 cells without colours'"
done_testing
