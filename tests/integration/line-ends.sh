#!/bin/sh
# A message stored with CRLF line ends that a server serves as CR CR LF
# is the same report as its CRLF twin when collected from a Maildir, and
# the store records the bytes as they came (hash and size).
. "$top_srcdir/tests/lib/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 is not installed"
command -v sha256sum >/dev/null 2>&1 || skip_all "sha256sum is not installed"
cd "$T" || exit 1
twin=$top_srcdir/tests/corpus/arf/008-crlf-message-id-in-text.eml
crcrlf=$top_srcdir/tests/corpus/arf/022-cr-cr-lf-line-ends.eml

for kind in crlf crcrlf; do
	mkmaildir "$kind"
	cat >"$kind.ini" <<X
[store]
path = $T/$kind.db
[source m]
type = maildir
path = $kind
X
done
cp "$twin" crlf/new/1.eml
cp "$crcrlf" crcrlf/new/1.eml
ok "the sample has CR CR LF line ends" grep -q "$(printf '\r\r')" crcrlf/new/1.eml

for kind in crlf crcrlf; do
	"$AC" -c "$kind.ini" collect >"$kind.out" 2>&1
	is "$kind: collect exits 0" "$?" 0
	sqlite3 "$kind.db" "SELECT format, role, feedback_type, category,
	    reporter, occurred_at, source_ip, origin_ip, subject, message_id,
	    customer FROM reports" >"$kind.rows"
done
is "CR CR LF: one report, parsed" "$(sqlite3 crcrlf.db \
    "SELECT format || ' ' || status FROM messages")" "arf parsed"
ok "CR CR LF: the same report as its CRLF twin" diff crlf.rows crcrlf.rows
is "the stored hash is of the bytes as they came" \
    "$(sqlite3 crcrlf.db 'SELECT sha256 FROM messages')" \
    "$(sha256sum <"$crcrlf" | cut -d' ' -f1)"
is "... and its size is theirs" \
    "$(sqlite3 crcrlf.db 'SELECT size FROM messages')" \
    "$(wc -c <"$crcrlf" | tr -d ' ')"

# The report's own Message-ID is read from its header block only, which
# ends at the first empty line whatever CRs come before its LF.
printf 'From: a@example.net\r\r\nSubject: note\r\r\n\r\r\nMessage-ID: <in-body@example.net>\r\r\n' \
    >crcrlf/new/2.eml
"$AC" -c crcrlf.ini collect >crcrlf.out 2>&1
is "a Message-ID line in the body is not the message's" \
    "$(sqlite3 crcrlf.db "SELECT coalesce(report_msgid, '-') FROM messages
        WHERE size = $(wc -c <crcrlf/new/2.eml)")" "-"
done_testing
