#!/bin/sh
# after = move into a folder the user may not insert into (Dovecot's ACL
# plugin): the messages are collected and stored once all the same, the
# run says once what the server answered and how many messages wait,
# status shows them, and each run tries again; once the right is
# granted, the next run moves them all.  What waited under an old
# UIDVALIDITY is dropped with a warning.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

dc_require
cat >"$T/acl.conf" <<'EOF'
mail_plugins = $mail_plugins acl
protocol imap {
  mail_plugins = $mail_plugins imap_acl
}
plugin {
  acl = vfile
}
EOF
dc_start conf="$T/acl.conf"
dc_doveadm mailbox create -u "$DC_USER" Processed
# rights R for the owner of Processed.
rights() {
	printf 'owner %s\n' "$1" >"$DC_MAILDIR/.Processed/dovecot-acl"
	chown "$DC_UID:$DC_GID" "$DC_MAILDIR/.Processed/dovecot-acl"
}
rights lrs

{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source box after=move:Processed batch_size=4
} >"$T/ac.ini"
run() {
	"$AC" -c "$T/ac.ini" collect >"$T/out" 2>&1
	rc=$?
}
count() {
	dc_doveadm search -u "$DC_USER" mailbox "$1" ALL | wc -l
}
warned() {
	grep -c "box: 127.0.0.1:$DC_SPORT: folder INBOX: after = move:Processed: move to Processed refused (the server said: .*Permission denied.*); $1 stored messages wait for it in INBOX, tried again on every run" "$T/out"
}
status() {
	"$AC" -c "$T/ac.ini" status >"$T/status" 2>&1
}

dc_load 10 1
run
is "a refused move does not stop the source: exit 0" "$rc" 0
is "the run warns once, with the server's answer and the count" \
    "$(warned 10)" 1
is "every message is stored" "$(dbq 'SELECT count(*) FROM messages')" 10
is "and left in INBOX" "$(count INBOX)" 10
is "Processed is empty" "$(count Processed)" 0
is "the checkpoint is at the last UID" \
    "$(dbq 'SELECT last_uid FROM mailbox_state')" 10
status
ok "status shows what waits" has_line \
    "^source box, folder INBOX: 10 messages wait for after = move:Processed since " \
    "$T/status"
ok "and what the server answered" has_line \
    "^  refused by the server in 1 runs; last answer: move to Processed refused (the server said: .*Permission denied" \
    "$T/status"

dc_load 3 11
run
is "the next run collects new mail all the same: exit 0" "$rc" 0
is "with one warning again" "$(warned 13)" 1
is "the new messages are stored" "$(dbq 'SELECT count(*) FROM messages')" \
    13
status
ok "status counts the runs" has_line "refused by the server in 2 runs" \
    "$T/status"

rights lrwstipekxa
run
is "once the right is granted: exit 0" "$rc" 0
ok "without a warning" sh -c "! grep -q warning '$T/out'"
is "INBOX is empty" "$(count INBOX)" 0
is "Processed holds the 13" "$(count Processed)" 13
is "nothing is stored twice" "$(dbq 'SELECT count(*) FROM messages')" 13
is "nothing waits" "$(dbq 'SELECT count(*) FROM imap_pending')" 0
status
ok "status shows nothing waiting" sh -c "! grep -q 'wait for' '$T/status'"

# Refused again, then the folder gets a new UIDVALIDITY: the UIDs that
# waited name nothing now.
rights lrs
dc_load 2 14
run
is "refused again: 2 wait" "$(dbq 'SELECT count(*) FROM imap_pending')" 2
old=$(dbq 'SELECT uidvalidity FROM mailbox_state')
new=$((old + 1000))
dc_doveadm mailbox update -u "$DC_USER" --uid-validity $new INBOX
run
is "after a UIDVALIDITY change: exit 0" "$rc" 0
is "the run says once that what waited is dropped, with both numbers" \
    "$(grep -c "box: 127.0.0.1:$DC_SPORT: folder INBOX: UIDVALIDITY changed from $old to $new: the after action that 2 stored messages waited for is dropped" "$T/out")" 1
is "nothing waits under the old UIDVALIDITY" \
    "$(dbq "SELECT count(*) FROM imap_pending WHERE uidvalidity = $old")" 0
is "the 2 messages, read again under the new one, wait again" \
    "$(dbq "SELECT count(*) FROM imap_pending WHERE uidvalidity = $new")" 2
is "and are not stored twice" "$(dbq 'SELECT count(*) FROM messages')" 15

done_testing
