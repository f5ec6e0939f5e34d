#!/bin/sh
# What -v and -vv tell: nothing by default; with -v, per source, the
# messages read and committed and what they were; with -vv also per
# message its place (file, or folder and UID), format, customer and why.
. "$top_srcdir/tests/lib/lib.sh"
GEN="python3 $top_srcdir/tests/lib/genmail.py"
cd "$T" || exit 1

$GEN --maildir m --count 4 --seed 1 --customers 2
$GEN --mbox b.mbox --count 2 --seed 1 --customers 2
printf 'not a mail at all\n' >m/new/1700000099.M99P1.junk
printf 'auth_user,customer\nuser1000@hosted30.example,cust-1000\n' >users.csv
cat >c.ini <<X
[store]
path = $T/abuse.db
[source box]
type = maildir
path = m
[source old]
type = mbox
path = b.mbox
[resolver]
order = header
identity_headers = X-AuthUser
trusted_hosts = smtp1.example.net, smtp2.example.net, 192.0.2.24/29
users_file = users.csv
X
"$AC" -c c.ini --dry-run collect >out 2>&1
is "without -v: exit 0" "$?" 0
is "without -v: nothing said" "$(cat out)" ""

"$AC" -c c.ini -v --dry-run collect >out 2>&1
sed 's/^/# /' out
ok "-v: per source, read and committed (a dry run commits nothing)" \
    has_line "^box: 5 messages read, 0 committed (dry run: nothing kept): 4 new reports, 0 duplicates, 1 quarantined, 0 ignored$" out
ok "-v: no line per message" sh -c "! grep -q ': new report, format' out"

"$AC" -c c.ini -v collect >out 2>&1
ok "-v: per source, read and committed" has_line \
    "^box: 5 messages read, 5 committed: 4 new reports, 0 duplicates, 1 quarantined, 0 ignored$" out
ok "-v: the second source, whose messages were stored through the first" \
    has_line "^old: 2 messages read, 2 committed: 0 new reports, 2 duplicates, 0 quarantined, 0 ignored$" out

rm -f abuse.db
"$AC" -c c.ini -vv collect >out 2>&1
is "-vv: exit 0" "$?" 0
sed 's/^/# /' out
ok "-vv: a new report: file, format, role, customer, by what and why" \
    has_line "^box: $T/m/new/1700000003\.M3P1\.gen: new report, format spamexperts, internal, customer cust-1000 by header (header X-AuthUser: 'user1000@hosted30.example' in users_file)$" out
ok "-vv: an unresolved report says why" has_line \
    "^box: $T/m/new/1700000000\.M0P1\.gen: new report, format arf, external, customer (unresolved) (header: no identity header below a trusted hop)$" out
ok "-vv: an mbox message by its folder and number; a known message" \
    has_line "^old: folder $T/b.mbox: uid 1: duplicate: a message with the same bytes is stored already$" out
ok "-vv: the per-source lines too" has_line \
    "^old: 2 messages read, 2 committed: 0 new reports, 2 duplicates, 0 quarantined, 0 ignored$" out
is "-vv: one line per message read (5 + 2)" \
    "$(grep -c "^box: $T/m/new/\|^old: folder $T/b.mbox: uid" out)" 7

done_testing
