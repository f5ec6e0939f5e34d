#!/bin/sh
# Evidence from local sources: show --raw writes exactly the bytes of a
# report's message as read from a Maildir file or an mbox (CRLF, bare
# CR, 8-bit bytes, no final line end); show names the case, how the
# customer was found and where the message came from; reports carries a
# Maildir message's file and SHA-256; the bytes are kept zlib-packed for
# [store] keep_raw, pruned by the next run after that, never by a dry
# run, and not kept at all with keep_raw = 0.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

base_config
cat >>"$T/ac.ini" <<EOT
[source box]
type = mbox
path = box.mbox
EOT
# The originals, written apart and copied into the sources.
G="$T/gen"
"$PY" "$LIBDIR/mkreports.py" "$G" internal 192.0.2.10 "${DAY}T10:00:00Z" \
    'Plain LF' 2 lf
"$PY" "$LIBDIR/mkreports.py" "$G" external 192.0.2.11 "${DAY}T11:00:00Z" \
    'Grüße, CRLF' 1 crlf
"$PY" "$LIBDIR/mkreports.py" "$G" internal 192.0.2.20 "${DAY}T12:00:00Z" \
    'For the mbox' 2 mb
"$PY" - "$G/new" <<'PYEOF'
import os, sys
d = sys.argv[1]
for n in sorted(os.listdir(d)):
    p = os.path.join(d, n)
    b = open(p, "rb").read()
    if b"crlf" in b:
        # CRLF line ends, a bare CR, 8-bit bytes and no final line end.
        b = b.replace(b"\n", b"\r\n").replace(b"Buy now.",
            b"Buy now.\rKaufen \xc3\xbc \xff") .rstrip(b"\r\n")
    open(p, "wb").write(b)
PYEOF
mkdir -p "$T/orig"
n=0
: >"$T/box.mbox"
for f in "$G"/new/*; do
	n=$((n + 1))
	cp "$f" "$T/orig/$n.eml"
	if grep -q 'For the mbox' "$f"; then
		# mbox: a From_ line before, a blank line after each message.
		{ printf 'From fbl@example.org Mon Nov 30 10:00:00 2026\n'
		  cat "$f"; printf '\n'; } >>"$T/box.mbox"
	else
		cp "$f" "$T/md/new/$n.eml"
	fi
done
is "five originals: three files, two in the mbox" \
    "$(ls "$T/md/new" | wc -l) $(grep -c '^From fbl' "$T/box.mbox")" "3 2"

cd "$T" || exit 1
"$AC" -c ac.ini collect
is "collect" "$?" 0
is "five reports" "$(q 'SELECT count(*) FROM reports')" 5

# The report of each original, by the SHA-256 of its bytes.
report_of() {
	q "SELECT r.id FROM reports r JOIN messages m ON m.id = r.message
	    WHERE m.sha256 = '$(sha256sum <"$1" | cut -d' ' -f1)'"
}
same=0
for f in "$T"/orig/*.eml; do
	id=$(report_of "$f")
	[ -n "$id" ] || { echo "# no report for $f"; continue; }
	"$AC" -c ac.ini show --raw "$id" >"$T/raw.out" &&
	    cmp "$f" "$T/raw.out" && same=$((same + 1))
done
is "show --raw is byte-identical for every Maildir and mbox message" \
    "$same" 5
CRLF=$(report_of "$(grep -l 'crlf' "$T"/orig/*.eml)")
"$AC" -c ac.ini show --raw "$CRLF" >"$T/raw.out"
ok "the CRLF message has its CR LF, bare CR, 8-bit bytes and no final line end" \
    "$PY" -c 'import sys
b = open(sys.argv[1], "rb").read()
sys.exit(not (b.count(b"\r\n") > 20 and b"\rKaufen \xc3\xbc \xff" in b
    and not b.endswith(b"\n")))' "$T/raw.out"

is "the bytes are kept zlib-packed, smaller than they are" \
    "$(q "SELECT count(*), sum(length(k.data)) < sum(m.size)
        FROM message_raw k JOIN messages m ON m.id = k.message
        WHERE k.codec = 'zlib'")" "5|1"

# reports: file and SHA-256 of each Maildir message, as on disk.
"$AC" -c ac.ini reports --format csv >"$T/reports.csv"
is "reports names each Maildir message's file with the SHA-256 of its bytes; mbox messages by number" \
    "$("$PY" - "$T/reports.csv" <<'PYEOF'
import csv, hashlib, sys
ok = mbox = 0
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["source"] == "archive":
        ok += hashlib.sha256(open(r["file"], "rb").read()).hexdigest() \
            == r["sha256"] and r["file"].startswith(r["folder"] + "/")
    elif r["source"] == "box" and r["file"] == "" and r["uid"] in "12":
        mbox += 1
print(ok, mbox)
PYEOF
)" "3 2"
"$AC" -c ac.ini reports --format json >"$T/reports.json"
is "and so does its JSON" "$("$PY" -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(sum(1 for r in rows if r["file"] and len(r["sha256"]) == 64))' \
    "$T/reports.json")" 3

# show: the report, its case, how it was resolved, its origin, the
# message (control characters blanked).
"$AC" -c ac.ini show "$CRLF" >"$T/show.out"
is "show exits 0" "$?" 0
for want in "^report: $CRLF\$" "^customer: cust-alpha\$" \
    "^resolved_by: network\$" \
    "^resolve_note: network: 192.0.2.11 in 192.0.2.0/28\$" \
    "^case: cust-alpha on $DAY\$" "^confidence: confirmed\$" \
    "^internal_reports: 2\$" "^source: archive\$" \
    "^file: $T/md/.*\\.eml" "^sha256: [0-9a-f]\\{64\\}\$" \
    "^kept: until 20" "^Subject: FW: =?utf-8?" "^Buy now. Kaufen ü "; do
	ok "show: $want" has_line "$want" "$T/show.out"
done
ok "show prints no control character of the message (CR included)" \
    "$PY" -c 'import sys
b = open(sys.argv[1], "rb").read()
sys.exit(any(c < 32 and c not in (9, 10) or c == 127 for c in b))' \
    "$T/show.out"
MB=$(q "SELECT r.id FROM reports r JOIN messages m ON m.id = r.message
    WHERE m.source = 'box' AND m.uid = 2")
"$AC" -c ac.ini show "$MB" >"$T/show-mbox.out"
ok "show of an mbox message names the mbox and the message's number" \
    sh -c "grep -q '^folder: $T/box.mbox\$' '$T/show-mbox.out' &&
    grep -q '^uid: 2\$' '$T/show-mbox.out'"

"$AC" -c ac.ini show 999 >/dev/null 2>"$T/err"
is "an unknown report exits 66" "$?" 66
ok "... naming it" grep -q "no report 999" "$T/err"
"$AC" -c ac.ini show --raw x1 >/dev/null 2>&1
is "a bad id is a usage error" "$?" 64

# keep_raw: a message stored more than keep_raw (30 days) ago loses its
# bytes at the next run, not at a dry run.
q "UPDATE messages SET received_at = received_at - 31 * 86400
    WHERE id = (SELECT message FROM reports WHERE id = $CRLF)"
"$AC" -c ac.ini -n collect
is "a dry run prunes nothing" "$(q 'SELECT count(*) FROM message_raw')" 5
"$AC" -c ac.ini -v collect 2>"$T/prune.err"
is "the next run forgets the old message's bytes, only those" \
    "$(q 'SELECT count(*) FROM message_raw')" 4
ok "... and says so with -v" grep -q "forgot the raw bytes of 1 messages" \
    "$T/prune.err"
"$AC" -c ac.ini show --raw "$CRLF" >"$T/raw.out" 2>"$T/err"
is "show --raw of it exits 66" "$?" 66
ok "... saying its bytes are not kept" grep -q "not kept" "$T/err"
ok "... and writes nothing" test ! -s "$T/raw.out"
"$AC" -c ac.ini show "$CRLF" >"$T/show.out"
ok "show still has the report and where its message came from" sh -c \
    "grep -q '^kept: no' '$T/show.out' && grep -q '^sha256: ' '$T/show.out'"

# keep_raw = 0 keeps nothing.
sed 's/^path = var\/abuse.db$/path = var\/none.db\nkeep_raw = 0/' ac.ini \
    >none.ini
chmod 600 none.ini
"$AC" -c none.ini collect
is "keep_raw = 0: collect" "$?" 0
is "... keeps no message's bytes" \
    "$(sqlite3 var/none.db 'SELECT (SELECT count(*) FROM message_raw),
        (SELECT count(*) FROM reports)')" "0|5"
printf '[store]\nkeep_raw = 2y\n' >bad.ini
"$AC" -c bad.ini check-config >/dev/null 2>"$T/err"
is "a keep_raw that is no duration exits 78" "$?" 78
ok "... naming the key" grep -q "keep_raw: must be a duration" "$T/err"
done_testing
