#!/bin/sh
# Evidence from an IMAP source (Dovecot): show --raw writes exactly the
# bytes the server sends for the message (fetched apart with
# BODY.PEEK[]), for mail with LF and with CRLF line ends and 8-bit
# bytes; show names the source, folder, UIDVALIDITY and UID.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

dc_require
dc_start
DAY=$(date -u -d yesterday +%Y-%m-%d)
G="$T/gen"
python3 "$TESTLIB/mkreports.py" "$G" internal 192.0.2.10 "${DAY}T10:00:00Z" \
    'Plain LF' 2 lf
python3 "$TESTLIB/mkreports.py" "$G" external 192.0.2.11 \
    "${DAY}T11:00:00Z" 'Grüße' 1 crlf
python3 - "$G/new" <<'PYEOF'
import os, sys
d = sys.argv[1]
for n in os.listdir(d):
    p = os.path.join(d, n)
    b = open(p, "rb").read()
    if b"crlf" in b:
        b = b.replace(b"\n", b"\r\n").replace(b"Buy now.",
            b"Buy now. Kaufen \xc3\xbc \xff")
    open(p, "wb").write(b)
PYEOF
{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source admin
	printf '[resolver]\norder = network\nnetworks_file = %s\n' \
	    "$T/nets.csv"
} >"$T/ac.ini"
printf 'cidr,customer\n192.0.2.0/28,cust-alpha\n' >"$T/nets.csv"
CTL="python3 $TESTLIB/imapctl.py --port $DC_SPORT --tls implicit --ca $DC_CA
    --user $DC_USER --password-file $T/pass"
$CTL append INBOX "$G"/new/*
is "three messages in INBOX" "$($CTL count INBOX)" 3

"$AC" -c "$T/ac.ini" collect
is "collect" "$?" 0
is "three reports" "$(dbq 'SELECT count(*) FROM reports')" 3

same=0
for uid in $($CTL uids INBOX); do
	$CTL fetch INBOX "$uid" "$T/server-$uid.eml"
	id=$(dbq "SELECT r.id FROM reports r JOIN messages m
	    ON m.id = r.message WHERE m.source = 'admin'
	    AND m.folder = 'INBOX' AND m.uid = $uid")
	"$AC" -c "$T/ac.ini" show --raw "$id" >"$T/raw-$uid.eml" &&
	    cmp "$T/server-$uid.eml" "$T/raw-$uid.eml" && same=$((same + 1))
done
is "show --raw is what the server sends, byte for byte, for each UID" \
    "$same" 3
ok "one of them is the CRLF message with its 8-bit bytes" \
    grep -l "Kaufen $(printf '\303\274 \377')" "$T"/raw-*.eml

uv=$($CTL uidvalidity INBOX)
id=$(dbq "SELECT r.id FROM reports r JOIN messages m ON m.id = r.message
    WHERE m.uid = 3")
"$AC" -c "$T/ac.ini" show "$id" >"$T/show.out"
is "show exits 0" "$?" 0
for want in "^source: admin\$" "^folder: INBOX\$" "^uid: 3\$" \
    "^uidvalidity: $uv\$" "^customer: cust-alpha\$" \
    "^resolved_by: network\$" "^case: cust-alpha on $DAY\$" \
    "^kept: until "; do
	ok "show: $want" has_line "$want" "$T/show.out"
done
done_testing
