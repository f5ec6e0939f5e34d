#!/bin/sh
# check-config looks at what a run needs (the tables, every source's
# Maildir or mbox, the store's and the output directory) and names every
# mistake of the file, the tables and the paths in one run, exit 78.
. "$top_srcdir/tests/lib/lib.sh"

# Seven bad rows across two tables, and one mistake in the file itself.
printf '%s\n' 'auth_user,customer' 'alice@example.net,cust-1' \
    ',cust-2' 'bob@example.net' '"carol@example.net,cust-3' \
    'dave@example.net,cust-4' 'alice@example.net,cust-5' >"$T/users.csv"
printf '%s\n' 'cidr,customer,valid_from' '192.0.2.0/24,cust-1,' \
    '192.0.2.0/33,cust-2,' '198.51.100.0/24,cust-3,2026-13-01' \
    '203.0.113.0/24,cust-4,' '203.0.113.0/24,cust-5,' >"$T/nets.csv"
mkmaildir "$T/box"
cat >"$T/rows.ini" <<X
[store]
path = $T/var/abuse.db
[source box]
type = maildir
path = box
[resolver]
users_file = users.csv
networks_file = nets.csv
[cases]
timezone = Mars/Olympus
X
"$AC" -c "$T/rows.ini" check-config >"$T/out" 2>"$T/err"
is "bad rows exit 78" "$?" 78
is "seven bad rows give seven errors in one run" \
    "$(grep -c -e 'users.csv:[0-9]*: ' -e 'nets.csv:[0-9]*: ' "$T/err")" 7
for w in "users.csv:3: the first cell is empty" \
    "users.csv:4: 1 cells, the header has 2" \
    "users.csv:5: malformed CSV line" \
    "users.csv:7: 'alice@example.net' is listed for 'cust-5' here and for 'cust-1' at line 2" \
    "nets.csv:3: '192.0.2.0/33'" "nets.csv:4: " \
    "nets.csv:6: prefix 203.0.113.0/24 for 'cust-5' overlaps line 5"; do
	ok "named: $w" grep -qF "$T/$w" "$T/err"
done
ok "the file's own mistake is named too" \
    grep -q "rows.ini:10: \[cases\] timezone: unknown time zone 'Mars/Olympus'" "$T/err"
ok "the errors are counted" grep -q "customer tables: 7 errors" "$T/err"
is "nothing on stdout" "$(cat "$T/out")" ""
ok "the store's directory is not made by a check" test ! -e "$T/var"

# The paths a run needs: each one named with file:line.
mkdir -p "$T/nocur/new" "$T/adir"
: >"$T/plain"
cat >"$T/paths.ini" <<X
[store]
path = $T/plain/db/abuse.db
[source gone]
type = maildir
path = $T/no-such-maildir
[source half]
type = maildir
path = nocur
[source dir]
type = mbox
path = adir
[source nombox]
type = mbox
path = no.mbox
[report]
output_dir = $T/plain/reports
X
"$AC" -c "$T/paths.ini" check-config >"$T/out" 2>"$T/err"
is "bad paths exit 78" "$?" 78
ok "a missing Maildir is named" grep -qF \
    "paths.ini:5: [source gone] path: '$T/no-such-maildir': No such file or directory" "$T/err"
ok "a directory without cur/ is no Maildir" grep -qF \
    "paths.ini:8: [source half] path: '$T/nocur' is not a Maildir: '$T/nocur/cur': No such file or directory" "$T/err"
ok "a directory given as mbox is named" grep -qF \
    "paths.ini:11: [source dir] path: '$T/adir' is a directory, not an mbox file" "$T/err"
ok "a missing mbox is named" grep -qF \
    "paths.ini:14: [source nombox] path: '$T/no.mbox': No such file or directory" "$T/err"
ok "a store directory that cannot be made is named" grep -qF \
    "paths.ini:2: [store] path: the store's directory: '$T/plain/db' cannot be made: '$T/plain' is not a directory" "$T/err"
ok "an output directory that cannot be made is named" grep -qF \
    "paths.ini:16: [report] output_dir: '$T/plain/reports' cannot be made: '$T/plain' is not a directory" "$T/err"
is "one line each, and the verdict" "$(wc -l <"$T/err")" 7

mkdir -p "$T/var/isdir.db"
printf '[store]\npath = var/isdir.db\n[report]\noutput_dir = out\n' >"$T/st.ini"
"$AC" -c "$T/st.ini" check-config >/dev/null 2>"$T/err"
is "a store that is no file exits 78" "$?" 78
ok "and is named" grep -qF "st.ini:2: [store] path: '$T/var/isdir.db' is not a regular file" "$T/err"
rmdir "$T/var/isdir.db" "$T/var"

# A default path that cannot be used says it is the default.
printf '[store]\npath = %s/var/abuse.db\n[report]\n' "$T" >"$T/dflt.ini"
ok "the default output directory passes where it can be made" \
    "$AC" -c "$T/dflt.ini" check-config

# A good configuration: the tables' rows are counted.
printf '%s\n' 'auth_user,customer' 'alice@example.net,cust-1' \
    'bob@example.net,cust-2' 'bob@example.net,cust-2' >"$T/users.csv"
printf '%s\n' 'cidr,customer' '192.0.2.0/24,cust-1' '2001:db8::/32,cust-2' \
    >"$T/nets.csv"
sed 's|Mars/Olympus|UTC|' "$T/rows.ini" >"$T/good.ini"
"$AC" -c "$T/good.ini" check-config >"$T/out" 2>"$T/err"
is "a good configuration exits 0" "$?" 0
ok "the users table's rows are counted" \
    grep -qx "# users_file $T/users.csv: 3 rows, 2 users" "$T/out"
ok "the networks table's rows are counted" \
    grep -qx "# networks_file $T/nets.csv: 2 rows, 2 prefixes" "$T/out"

# The configuration of the README, as written there (its paths moved
# here), is valid; then the mistakes a first hour makes, all at once:
# one clear line each, in one run.
awk '/^## Configuration/ { c = 1 } c && /^```ini/ { p = 1; next }
    p && /^```/ { exit } p' "$top_srcdir/README.md" |
    sed -e "s|/etc/abuse-collector|$T/etc|g" \
    -e "s|/var/lib/abuse-collector|$T/readme-var|g" \
    -e "s|/srv/mail/abuse-archive|$T/archive|" >"$T/readme.ini"
mkdir -p "$T/etc"
mkmaildir "$T/archive"
secret_file "$T/etc/admin.pass" pw
secret_file "$T/etc/ticketing.secret" k
cp "$top_srcdir"/config/customers-*.csv "$T/"
ok "the README's configuration has sections" grep -q '^\[source archive\]' "$T/readme.ini"
"$AC" -c "$T/readme.ini" check-config >"$T/out" 2>"$T/err"
is "the README's configuration is valid" "$?" 0
is "and draws no warning" "$(cat "$T/err")" ""

chmod 644 "$T/etc/ticketing.secret"
rmdir "$T/archive/cur"
printf 'domain,customer\nexample.org,\n' >"$T/customers-domains.csv"
# Each mistake: the line it changes and what the error says of it.
python3 - "$T/readme.ini" "$T/first.ini" <<'PY'
import sys
s = open(sys.argv[1]).read()
def sub(old, new):
    global s
    assert old in s, old
    s = s.replace(old, new, 1)
sub("timezone = Europe/Amsterdam", "timezone = Europe")
sub("trusted_hosts = mx1.example.net, 192.0.2.0/24", "trusted_hosts = mx1.example.net")
sub("[store]\npath =", "[store]\npth =")
sub("[report]", "[reports]")
sub("identity_headers =", "identity_header =")
sub("order = header, smtp_auth,", "order = header, smtp-auth,")
sub("from = abuse-collector@example.net",
    "from = abuse-collector@example.net\nuser = abuse-collector\npassword = pw")
open(sys.argv[2], "w").write(s)
PY
"$AC" -c "$T/first.ini" check-config >"$T/out" 2>"$T/err"
is "the mistakes exit 78" "$?" 78
sed 's/^/# /' "$T/err"
for w in \
    "timezone: 'Europe' is a directory of zones, not a time zone: try Europe/" \
    "trusted_hosts: warning: names only, no address" \
    "[store] pth: unknown key: did you mean path?" \
    "[reports]: unknown section: did you mean [report]?" \
    "identity_header: unknown key: did you mean identity_headers?" \
    "unknown step 'smtp-auth': did you mean smtp_auth?" \
    "[email] password: not taken here" \
    "secret_file: '$T/etc/ticketing.secret' is readable by others" \
    "[source archive] path: '$T/archive' is not a Maildir: '$T/archive/cur'" \
    "customers-domains.csv:2: customer is empty"; do
	is "one line says: $w" "$(grep -cF -e "$w" "$T/err")" 1
done
is "and nothing else but the verdict" "$(wc -l <"$T/err")" 11

# What cannot stand beside those: no source at all, a misspelt zone.
python3 - "$T/readme.ini" "$T/second.ini" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
s = re.sub(r"\[source [^]]*\].*?(?=\n\[resolver\])", "", s, flags=re.S)
s = s.replace("timezone = Europe/Amsterdam", "timezone = Europe/Amsterdm")
open(sys.argv[2], "w").write(s)
PY
chmod 600 "$T/etc/ticketing.secret"
cp "$top_srcdir/config/customers-domains.csv" "$T/"
"$AC" -c "$T/second.ini" check-config >"$T/out" 2>"$T/err"
is "a misspelt zone exits 78" "$?" 78
sed 's/^/# /' "$T/err"
is "the zone is echoed back with the nearest" \
    "$(grep -c "unknown time zone 'Europe/Amsterdm'.*Europe/Amsterdam" "$T/err")" 1
is "no source is warned about" \
    "$(grep -c 'warning: no \[source NAME\] section' "$T/err")" 1
is "one line each, and the verdict" "$(wc -l <"$T/err")" 3

done_testing
