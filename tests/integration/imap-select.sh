#!/bin/sh
# With after = keep the folder is opened with SELECT all the same (some
# servers keep the UIDs they give only in a session that may write), its
# messages read with BODY.PEEK so that no flag changes; readonly = yes,
# and a dry run, use EXAMINE.  A UIDVALIDITY change is told once in a
# run, even when the run has to connect again.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"
. "$top_srcdir/tests/lib/imapproxy.sh"

dc_require
dc_start
dc_load 6 1
dc_doveadm flags add -u "$DC_USER" '\Seen' mailbox INBOX uid 2
dc_doveadm flags add -u "$DC_USER" '\Flagged' mailbox INBOX uid 3

count() {
	dc_doveadm search -u "$DC_USER" mailbox INBOX ${1:-ALL} | wc -l
}
# run NAME [key=value...]: source NAME through the proxy, its own store.
run() {
	local name=$1
	shift
	{
		printf '[store]\npath = %s\n\n' "$T/$name.db"
		dc_source "$name" "port=$PX_PORT" tls=none allow_plaintext=yes \
		    ca_file= "$@"
	} >"$T/$name.ini"
	"$AC" -c "$T/$name.ini" $opts collect >"$T/out" 2>&1
	rc=$?
}
# The commands of the proxy's log, without their tags.
commands() {
	sed -n 's/^C: [^ ]* //p' "$PX_LOG"
}

opts=
px_start keep
run keep
is "after = keep: exit 0" "$rc" 0
is "all 6 messages are stored" \
    "$(sqlite3 "$T/keep.db" 'SELECT count(*) FROM messages')" 6
commands >"$T/keep.cmds"
ok "the folder is opened with SELECT" has_line '^SELECT INBOX$' "$T/keep.cmds"
ok "never with EXAMINE" sh -c "! grep -q '^EXAMINE' '$T/keep.cmds'"
ok "the bodies are fetched with BODY.PEEK" has_line '^UID FETCH .*BODY\.PEEK\[\]' \
    "$T/keep.cmds"
ok "never with BODY[ or RFC822 (which set \\Seen)" \
    sh -c "! grep -E -q 'BODY\\[|RFC822( |\\)|\$)|RFC822\\.TEXT' '$T/keep.cmds'"
ok "no flag is stored" sh -c "! grep -q 'STORE' '$T/keep.cmds'"
is "only the message that was \\Seen before is \\Seen" "$(count SEEN)" 1
is "and it is the same one" \
    "$(dc_doveadm search -u "$DC_USER" mailbox INBOX SEEN | awk '{ print $2 }')" 2
is "the \\Flagged one is still flagged" "$(count FLAGGED)" 1
px_stop

px_start readonly
run ro readonly=yes
is "readonly = yes: exit 0" "$rc" 0
commands >"$T/ro.cmds"
ok "the folder is opened with EXAMINE" has_line '^EXAMINE INBOX$' "$T/ro.cmds"
ok "never with SELECT" sh -c "! grep -q '^SELECT' '$T/ro.cmds'"
is "all 6 messages are stored" \
    "$(sqlite3 "$T/ro.db" 'SELECT count(*) FROM messages')" 6
"$AC" -c "$T/ro.ini" check-config >"$T/cc" 2>&1
ok "check-config shows readonly = yes" has_line '^readonly = yes$' "$T/cc"
"$AC" -c "$T/keep.ini" check-config >"$T/cc" 2>&1
ok "and readonly = no by default" has_line '^readonly = no$' "$T/cc"
px_stop

px_start dry
opts=-n
run dry
is "a dry run: exit 0" "$rc" 0
commands >"$T/dry.cmds"
ok "a dry run opens the folder with EXAMINE" has_line '^EXAMINE INBOX$' \
    "$T/dry.cmds"
opts=
px_stop

{
	printf '[store]\npath = %s\n\n' "$T/bad.db"
	dc_source bad readonly=yes after=seen
} >"$T/bad.ini"
"$AC" -c "$T/bad.ini" check-config >"$T/out" 2>&1
is "readonly = yes with after = seen is a configuration error" "$?" 78
ok "that names the key and says why" has_line \
    "readonly.*yes opens the folder read-only, where after = seen cannot flag messages: use after = keep" \
    "$T/out"
{
	printf '[store]\npath = %s\n\n' "$T/bad.db"
	dc_source bad readonly=maybe
} >"$T/bad.ini"
"$AC" -c "$T/bad.ini" check-config >"$T/out" 2>&1
is "readonly takes yes or no" "$?" 78
ok "and says so" has_line "readonly.*must be yes or no" "$T/out"

# A new UIDVALIDITY, and the first message the server cannot read (its
# file is not the mail user's): the session ends in the first fetch, and
# the run connects again, more than once, before anything is committed.
old=$(sqlite3 "$T/keep.db" 'SELECT uidvalidity FROM mailbox_state')
new=$((old + 1000))
dc_doveadm mailbox update -u "$DC_USER" --uid-validity $new INBOX
first=$(ls "$DC_MAILDIR/cur" "$DC_MAILDIR/new" 2>/dev/null | grep -v ':$' |
    sort | head -1)
f=$(ls "$DC_MAILDIR"/cur/"$first"* "$DC_MAILDIR"/new/"$first"* 2>/dev/null |
    head -1)
chown root:root "$f"
chmod 600 "$f"
px_start uv
run keep
is "after a UIDVALIDITY change, exit 0" "$rc" 0
ok "the run connected more than once" \
    test "$(grep -c 'LOGIN' "$PX_LOG")" -gt 1
is "and told the change once, with both numbers" \
    "$(grep -c "keep: 127.0.0.1:$PX_PORT: folder INBOX: UIDVALIDITY changed from $old to $new" "$T/out")" 1
is "no message read is stored twice" \
    "$(sqlite3 "$T/keep.db" "SELECT count(*) FROM messages
        WHERE status = 'parsed'")" 6

done_testing
