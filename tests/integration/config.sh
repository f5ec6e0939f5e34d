#!/bin/sh
# Configuration errors: every problem named with file:line and key, all of
# them reported before exit 78; over-long and continuation lines refused.
. "$top_srcdir/tests/lib/lib.sh"

cfg() { cat >"$T/$1"; }

cfg good.ini <<'X'
log = stderr
[store]
path = db/abuse.db   ; an inline comment
[source box]
type = maildir
path = box
[cases]
timezone = Europe/Amsterdam
X
mkmaildir "$T/box"
# The example with its paths moved here (an installation has them), its
# tables beside it as installed.
sed -e "s|/var/lib/abuse-collector|$T/var|" \
    -e "s|/srv/mail/abuse-archive|$T/archive|" \
    "$top_srcdir/config/abuse-collector.ini" >"$T/example.ini"
cp "$top_srcdir"/config/customers-*.csv "$T/"
mkmaildir "$T/archive"
ok "the example configuration is valid" "$AC" -c "$T/example.ini" check-config
ok "the demo configuration is valid" "$AC" -c "$top_srcdir/config/demo/demo.ini" check-config
ok "a good file passes check-config" "$AC" -c "$T/good.ini" check-config
"$AC" -c "$T/good.ini" check-config >"$T/print" 2>&1
ok "relative paths resolve against the file's directory" \
    grep -qx "path = $T/db/abuse.db" "$T/print"
ok "inline comments are not part of a value" grep -qx "timezone = Europe/Amsterdam" "$T/print"

cfg bad.ini <<'X'
[store]
path = x.db
colour = blue
[source a]
type = imapx
[source a]
type = maildir
[nonsense]
[resolver]
order = header, header
trusted_hosts = 192.0.2.0/33
[cases]
timezone = Mars/Olympus
timezone = UTC
[limits]
max_message_size = lots
X
"$AC" -c "$T/bad.ini" check-config >"$T/out" 2>"$T/err"
is "several errors exit 78" "$?" 78
ok "unknown key named with file:line" grep -q "bad.ini:3: \[store\] colour: unknown key" "$T/err"
ok "bad enum value named" grep -q "bad.ini:5: \[source a\] type: must be" "$T/err"
ok "duplicate section named" grep -q "bad.ini:6: .*already defined at line 4" "$T/err"
ok "unknown section named" grep -q "bad.ini:8: \[nonsense\]: unknown section" "$T/err"
ok "repeated resolver step named" grep -q "bad.ini:10: \[resolver\] order: step 'header' twice" "$T/err"
ok "bad CIDR named" grep -q "bad.ini:11: .*trusted_hosts: '192.0.2.0/33'" "$T/err"
ok "unknown time zone named, and echoed back" \
    grep -q "bad.ini:13: \[cases\] timezone: unknown time zone 'Mars/Olympus'" "$T/err"
ok "duplicate key named with its first line" grep -q "bad.ini:14: \[cases\] timezone: given twice (first at line 13)" "$T/err"
ok "bad size named" grep -q "bad.ini:16: \[limits\] max_message_size:" "$T/err"
ok "missing required key named" grep -q "bad.ini:4: \[source a\] type: missing" "$T/err"
is "nothing printed on stdout" "$(cat "$T/out")" ""

# inih cuts lines at 200 bytes; such a line must be refused, not split.
long=$(printf 'x%.0s' $(seq 1 230))
printf '[store]\npath = /tmp/%s.db\n' "$long" >"$T/long.ini"
"$AC" -c "$T/long.ini" check-config >/dev/null 2>"$T/err"
is "an over-long line exits 78" "$?" 78
ok "an over-long line is named" grep -q "long.ini:2: .*line is longer than 199 bytes" "$T/err"
ok "the cut-off tail is not read as a line of its own" sh -c "! grep -q 'long.ini:3' '$T/err'"

printf '[store]\npath = a.db\n  continued\n' >"$T/cont.ini"
"$AC" -c "$T/cont.ini" check-config >/dev/null 2>"$T/err"
is "a continuation line exits 78" "$?" 78
ok "a continuation line is named" grep -q "cont.ini:3: .*continuation lines are not supported" "$T/err"

printf '[store]\njust some words\n' >"$T/noeq.ini"
"$AC" -c "$T/noeq.ini" check-config >/dev/null 2>"$T/err"
ok "a line without '=' is named" grep -q "noeq.ini:2: .*expected 'key = value'" "$T/err"

"$AC" -c "$T/missing.ini" check-config >/dev/null 2>"$T/err"
is "a missing file exits 78" "$?" 78
ok "a missing file is named" grep -q "missing.ini" "$T/err"

printf 'auth_user,customer\nalice@example.net,cust-1\n"unterminated,cust-2\n' >"$T/users.csv"
printf '[resolver]\nusers_file = users.csv\n' >"$T/tables.ini"
"$AC" -c "$T/tables.ini" check-config >/dev/null 2>"$T/err"
is "a bad table row exits 78" "$?" 78
ok "a bad table row is named with file:line" grep -q "users.csv:3: malformed CSV line" "$T/err"

# Credentials in URLs: masked when printed, refused over plain http.
secret_file "$T/hook.secret" k
cat >"$T/urls.ini" <<'X'
[store]
path = u.db
[resolver]
http_url = https://lookup:pw-9f2@api.example.net/v1/owner?ip={ip}&apikey=K-7d1e&format=json
[webhook tickets]
url = https://hooks.example.net/in?token=T-55a0&sig=S-c3b2&team=abuse
secret_file = hook.secret
X
"$AC" -c "$T/urls.ini" check-config >"$T/out" 2>&1
is "URLs with credentials pass check-config" "$?" 0
ok "the resolver URL is shown with its user, password and key masked" \
    grep -qx 'http_url = https://\*\*\*@api.example.net/v1/owner?ip={ip}&apikey=\*\*\*&format=json' "$T/out"
ok "the webhook URL with its token and signature masked" \
    grep -qx 'url = https://hooks.example.net/in?token=\*\*\*&sig=\*\*\*&team=abuse' "$T/out"
ok "no credential is printed" sh -c '! grep -e pw-9f2 -e K-7d1e -e T-55a0 -e S-c3b2 "$1"' sh "$T/out"
sed 's|https://lookup:|http://lookup:|' "$T/urls.ini" >"$T/plain.ini"
"$AC" -c "$T/plain.ini" check-config >"$T/out" 2>&1
is "a user and password over http:// exit 78" "$?" 78
ok "are refused like a bearer token" grep -q \
    "plain.ini:4: \[resolver\] http_url: a user and password are sent only over https" \
    "$T/out"
ok "without printing the password" sh -c '! grep -q pw-9f2 "$1"' sh "$T/out"
printf '[store]\npath = u.db\n[webhook w]\nurl = http://u:pw-9f2@hooks.example.net/in\nallow_plaintext = yes\nsecret_file = hook.secret\n' \
    >"$T/hook.ini"
"$AC" -c "$T/hook.ini" check-config >"$T/out" 2>&1
is "a webhook URL with a user and password exits 78" "$?" 78
ok "naming the key, without the password" sh -c \
    'grep -q "hook.ini:4: \[webhook w\] url: .*no user" "$1" && ! grep -q pw-9f2 "$1"' \
    sh "$T/out"
printf '[store]\npath = u.db\n[resolver]\nhttp_url = http://api.example.net/v1?u=a@b\n' \
    >"$T/at.ini"
ok "an '@' in the query of an http:// URL is no user" \
    "$AC" -c "$T/at.ini" check-config

# An IMAP password_file others can read is refused like the other secrets.
printf 'pw\n' >"$T/imap.pass"
chmod 644 "$T/imap.pass"
cat >"$T/imap.ini" <<'X'
[store]
path = u.db
[source box]
type = imap
host = imap.example.net
user = abuse
password_file = imap.pass
X
"$AC" -c "$T/imap.ini" check-config >"$T/out" 2>&1
is "a password_file others can read exits 78" "$?" 78
ok "naming the file and its mode" grep -q \
    "imap.ini:7: \[source box\] password_file: '$T/imap.pass' is readable by others (mode 0644): chmod o-r it" \
    "$T/out"
chmod 640 "$T/imap.pass"
ok "one only its group can read is taken" "$AC" -c "$T/imap.ini" check-config

# Time zones: only zone files (TZif), with the nearest names suggested.
for z in Europe Europe/ America zone.tab; do
	printf '[store]\npath = u.db\n[cases]\ntimezone = %s\n' "$z" >"$T/tz.ini"
	"$AC" -c "$T/tz.ini" check-config >/dev/null 2>"$T/err"
	is "timezone = $z exits 78" "$?" 78
	ok "timezone = $z is named with file:line" \
	    grep -q "tz.ini:4: \[cases\] timezone: '$z' is" "$T/err"
done
printf '[store]\npath = u.db\n[cases]\ntimezone = Europe\n' >"$T/tz.ini"
"$AC" -c "$T/tz.ini" check-config >/dev/null 2>"$T/err"
ok "Europe suggests zones of Europe" grep -q "try Europe/[A-Z]" "$T/err"
printf '[store]\npath = u.db\n[cases]\ntimezone = Europe/Amsterdm\n' >"$T/tz.ini"
"$AC" -c "$T/tz.ini" check-config >/dev/null 2>"$T/err"
ok "a misspelt zone suggests the nearest" \
    grep -q "unknown time zone 'Europe/Amsterdm' .*try Europe/Amsterdam" "$T/err"

# Misspelt keys, sections and steps: the nearest known one is suggested.
cat >"$T/typo.ini" <<'X'
[store]
pth = x.db
[reports]
[resolver]
identity_header = X-AuthUser
order = header, smtp-auth
X
"$AC" -c "$T/typo.ini" check-config >/dev/null 2>"$T/err"
is "misspellings exit 78" "$?" 78
ok "a misspelt key suggests the nearest" \
    grep -q "typo.ini:2: \[store\] pth: unknown key: did you mean path?" "$T/err"
ok "a misspelt section suggests the nearest" \
    grep -q "typo.ini:3: \[reports\]: unknown section: did you mean \[report\]?" "$T/err"
ok "identity_header suggests identity_headers" \
    grep -q "typo.ini:5: .*identity_header: unknown key: did you mean identity_headers?" "$T/err"
ok "a misspelt step suggests the nearest" \
    grep -q "typo.ini:6: .*unknown step 'smtp-auth': did you mean smtp_auth?" "$T/err"

# Secrets: one error each, naming the key.
secret_file "$T/ok.secret" k
printf 'k\n' >"$T/open.secret"
chmod 644 "$T/open.secret"
printf 'pw\n' >"$T/open.pass"
chmod 644 "$T/open.pass"
cat >"$T/sec.ini" <<'X'
[store]
path = u.db
[email]
url = smtp://127.0.0.1:2525
from = abuse@example.net
to = noc@example.net
user = abuse
password_file = open.pass
[webhook w]
url = https://hooks.example.net/in
secret_file = open.secret
X
"$AC" -c "$T/sec.ini" check-config >/dev/null 2>"$T/err"
is "world-readable secret files exit 78" "$?" 78
ok "the webhook's secret_file is named" \
    grep -q "sec.ini:11: \[webhook w\] secret_file: .*readable by others" "$T/err"
ok "the email's password_file is named" \
    grep -q "sec.ini:8: \[email\] password_file: .*readable by others" "$T/err"
is "and nothing else is said about them" "$(grep -c 'sec.ini:[0-9]' "$T/err")" 2
sed 's/^password_file = open.pass$/password = pw/' "$T/sec.ini" >"$T/pw.ini"
chmod 600 "$T/open.secret"
"$AC" -c "$T/pw.ini" check-config >/dev/null 2>"$T/err"
is "[email] password exits 78" "$?" 78
ok "[email] password points to password_file and password_env" \
    grep -q "pw.ini:8: \[email\] password: .*password_file.*password_env" "$T/err"
is "with one error only" "$(grep -c 'pw.ini:[0-9]' "$T/err")" 1
printf '[store]\npath = u.db\n[webhook w]\nurl = https://hooks.example.net/in\nsecret = k\n' \
    >"$T/inline.ini"
chmod 644 "$T/inline.ini"
"$AC" -c "$T/inline.ini" check-config >/dev/null 2>"$T/err"
is "an inline secret in a readable file exits 78" "$?" 78
ok "the inline-secret error names the key" \
    grep -q "inline.ini:5: \[webhook w\] secret: .*chmod o-r" "$T/err"

# trusted_hosts with names only matches no hop: check-config warns.
printf '[store]\npath = u.db\n[resolver]\ntrusted_hosts = smtp.hostco.example\n' \
    >"$T/names.ini"
"$AC" -c "$T/names.ini" check-config >/dev/null 2>"$T/err"
is "names-only trusted_hosts is allowed" "$?" 0
ok "but warned about, with the reason" \
    grep -q "names.ini:4: \[resolver\] trusted_hosts: warning: names only.*address its receiver recorded" "$T/err"
printf '[store]\npath = u.db\n[resolver]\ntrusted_hosts = smtp.hostco.example, 192.0.2.25\n' \
    >"$T/names.ini"
"$AC" -c "$T/names.ini" check-config >/dev/null 2>"$T/err"
ok "not when an address is listed too" sh -c "! grep -q trusted_hosts '$T/err'"

# No source: run and collect refuse (78); parse, report, import need none.
printf '[store]\npath = %s/nosrc.db\n' "$T" >"$T/nosrc.ini"
for c in run collect; do
	"$AC" -c "$T/nosrc.ini" $c >/dev/null 2>"$T/err"
	is "$c without a source exits 78" "$?" 78
	ok "$c says there is no source" grep -q "no \[source NAME\] section" "$T/err"
done
ok "check-config passes without a source" "$AC" -c "$T/nosrc.ini" check-config
"$AC" -c "$T/nosrc.ini" check-config 2>&1 >/dev/null | grep -q "warning: no \[source NAME\]"
is "but warns" "$?" 0
ok "import needs no source" "$AC" -q -c "$T/nosrc.ini" import "$T/box"
ok "report needs no source" "$AC" -q -c "$T/nosrc.ini" report --date 2026-01-01 --out "$T/out-r"

done_testing
