#!/bin/sh
# Logging in, and the configuration of imap sources: passwords from a
# file, the environment or the file itself (which must then be private),
# XOAUTH2 with a token command against Dovecot's oauth2 passdb and a local
# token introspection endpoint, and the mistakes the loader refuses.  No
# secret ever shows up in output.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

dc_require
dc_load 4 1

# The token endpoint Dovecot asks about XOAUTH2 tokens.
printf 'tok-4a1f.good_token-xyz %s\n' "$DC_USER" >"$T/tokens"
python3 "$TESTLIB/oauth2_server.py" "$T/oauth.port" "$T/tokens" &
oauth_pid=$!
at_exit "kill $oauth_pid 2>/dev/null"
n=0
while [ ! -s "$T/oauth.port" ] && [ $n -lt 250 ]; do sleep 0.02; n=$((n + 1)); done
oauth_port=$(cat "$T/oauth.port")
dc_start auth=oauth2 "oauth_port=$oauth_port"

# Write the configuration from the arguments (dc_source keys) and run
# a command; rc and $T/out are the result.
run() {
	local cmd=$1
	shift
	{
		printf '[store]\npath = %s\n\n' "$T/abuse.db"
		dc_source box "$@"
	} >"$T/ac.ini"
	chmod 600 "$T/ac.ini"
	"$AC" -c "$T/ac.ini" $cmd >"$T/out" 2>&1
	rc=$?
}

secret_free_output() {
	! grep -q "$1" "$T/out"
}

# XOAUTH2: the command's token goes to Dovecot, which asks the endpoint.
cat >"$T/token.sh" <<'EOF'
#!/bin/sh
echo run >>"${0%.sh}.runs"
printf '  tok-4a1f.good_token-xyz\n'
EOF
chmod 755 "$T/token.sh"
run collect auth=xoauth2 "token_command=$T/token.sh" password_file=
is "xoauth2 with a token command logs in" "$rc" 0
is "the token command ran once" "$(wc -l <"$T/token.runs")" 1
ok "Dovecot logged an XOAUTH2 login" \
    grep -q "Login: user=<$DC_USER>, method=XOAUTH2" "$DC/dovecot.log"
ok "after asking the token endpoint" grep -q "/introspect known" \
    "$T/oauth.port.log"
is "the messages are read" "$(dbq 'SELECT count(*) FROM messages')" 4

cat >"$T/badtoken.sh" <<'EOF'
#!/bin/sh
echo tok-0000-revoked
EOF
chmod 755 "$T/badtoken.sh"
run collect auth=xoauth2 "token_command=$T/badtoken.sh" password_file=
is "a token the endpoint does not know: exit 75" "$rc" 75
ok "login failed, with XOAUTH2 named" \
    grep -q "box: 127.0.0.1:$DC_SPORT: login as 'abuse' with XOAUTH2 failed" \
    "$T/out"
ok "the token is not in the output" secret_free_output "tok-0000-revoked"

run collect auth=xoauth2 "token_command=exit 3" password_file=
is "a failing token command: exit 75" "$rc" 75
ok "its exit status is reported" grep -q "token_command exited with status 3" \
    "$T/out"

run collect auth=xoauth2 "token_command=sleep 30" password_file= timeout=1s
is "a token command that hangs: exit 75" "$rc" 75
ok "it is killed after the timeout" \
    grep -q "token_command timed out after 1 s and was killed" "$T/out"

# A token command that leaves a helper in the background holding its
# output: its token is used once it exits, and it sees no secret of the
# collector's environment.
cat >"$T/bgtoken.sh" <<'EOF'
#!/bin/sh
env >"${0%.sh}.env"
sleep 60 &
echo $! >"${0%.sh}.bgpid"
printf 'tok-4a1f.good_token-xyz\n'
EOF
chmod 755 "$T/bgtoken.sh"
AC_TEST_SMTP_PASSWORD=hunter2-smtp-pw
export AC_TEST_SMTP_PASSWORD
n_before=$(grep -c "method=XOAUTH2" "$DC/dovecot.log")
run collect auth=xoauth2 "token_command=$T/bgtoken.sh" password_file= \
    timeout=10s
unset AC_TEST_SMTP_PASSWORD
[ -s "$T/bgtoken.bgpid" ] && kill "$(cat "$T/bgtoken.bgpid")" 2>/dev/null
is "a token command with a helper in the background logs in" \
    "$rc:$(cat "$T/out")" "0:"
is "with the token it printed" \
    "$(grep -c "method=XOAUTH2" "$DC/dovecot.log")" "$((n_before + 1))"
ok "the command saw no secret variable" \
    sh -c '! grep -q -e hunter2-smtp-pw -e AC_TEST "$1"' sh "$T/bgtoken.env"
ok "but PATH and HOME" \
    sh -c 'grep -q "^PATH=" "$1" && grep -q "^HOME=" "$1"' sh "$T/bgtoken.env"

run collect auth=xoauth2 password_file=
is "xoauth2 without token_command is a configuration error" "$rc" 78
ok "naming the key" grep -q "\[source box\] token_command: missing" "$T/out"

# Passwords.
run collect password_file= password_env=AC_TEST_PASSWORD
is "password_env that is not set: exit 75" "$rc" 75
ok "says which variable" grep -q "password_env AC_TEST_PASSWORD: not set" \
    "$T/out"
AC_TEST_PASSWORD=$DC_PASS
export AC_TEST_PASSWORD
dc_load 1 5
run collect password_file= password_env=AC_TEST_PASSWORD
is "password_env logs in" "$rc" 0
is "and reads the new message" "$(dbq 'SELECT count(*) FROM messages')" 5
unset AC_TEST_PASSWORD

run collect password_file= "password=$DC_PASS"
is "an inline password in a private file logs in" "$rc" 0
run check-config password_file= "password=$DC_PASS"
is "check-config accepts it" "$rc" 0
ok "and masks it" grep -q "^password = \*\*\*\*\*\*\*\*$" "$T/out"
ok "the password is not printed" secret_free_output "$DC_PASS"

{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source box password_file= "password=$DC_PASS"
} >"$T/open.ini"
chmod 644 "$T/open.ini"
"$AC" -c "$T/open.ini" collect >"$T/out" 2>&1
is "an inline password in a file others can read: exit 78" "$?" 78
ok "the loader says why and where" \
    grep -q "open.ini:[0-9]*: \[source box\] password: an inline secret in a file others can read" \
    "$T/out"
ok "without printing it" secret_free_output "$DC_PASS"

run collect password_file= "password=abc ;def"
is "a password holding ' ;' is refused" "$rc" 78
ok "with the reason" grep -q "password: holds ' ;'" "$T/out"
ok "and the rest of the line is not printed" secret_free_output "def"

run collect auth=xoauth2 password_file= "token_command=get-token --user a ;x"
is "a token_command holding ' ;' is refused" "$rc" 78
ok "with the reason" grep -q "token_command: holds ' ;'.*script" "$T/out"

run collect "password_env=X"
is "two password keys are refused" "$rc" 78
ok "naming both" grep -q "give only one of password_file, password_env" \
    "$T/out"

run check-config host= user= tls=maybe batch_size=0 after=archive \
    "folder=$(printf 'Entr\351e')"
is "bad and missing keys: exit 78" "$rc" 78
ok "tls must be implicit, starttls or none" \
    grep -q "ac.ini:[0-9]*: \[source box\] tls: must be implicit, starttls or none" \
    "$T/out"
ok "batch_size has bounds" grep -q "batch_size: must be a whole number from 1" \
    "$T/out"
ok "after must be keep, seen or move:FOLDER" \
    grep -q "after: must be keep, seen or move:FOLDER" "$T/out"
ok "a folder name is UTF-8" grep -q "folder: is not valid UTF-8" "$T/out"
ok "host is required" grep -q "\[source box\] host: missing" "$T/out"
ok "user is required" grep -q "\[source box\] user: missing" "$T/out"

printf '[store]\npath = %s\n\n[source local]\ntype = maildir\npath = %s\nfolder = INBOX\n' \
    "$T/abuse.db" "$T" >"$T/md.ini"
"$AC" -c "$T/md.ini" check-config >"$T/out" 2>&1
is "an imap key in a maildir source: exit 78" "$?" 78
ok "is named with its line" \
    grep -q "md.ini:7: \[source local\] folder: only an imap source takes this key" \
    "$T/out"

run check-config after=move:INBOX
is "moving into the folder read is refused" "$rc" 78

done_testing
