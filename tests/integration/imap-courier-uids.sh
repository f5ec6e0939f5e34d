#!/bin/sh
# Courier-IMAP keeps the UIDs it gives new messages, and the UIDVALIDITY
# of a folder no session has written to, only for a session that may
# write; a read-only session numbers the unsaved messages afresh, in
# file-name order.  With after = keep the collector opens the folder
# with SELECT all the same, so that a message delivered later under a
# file name that sorts before those already read is still collected, and
# a new folder keeps its UIDVALIDITY from one run to the next.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/imapsrv.sh"

srv_require courier
srv_start courier
echo "# $(srv_version)"

# run NAME [key=value...]: one run of source NAME, after = keep.
run() {
	local name=$1
	shift
	{
		printf '[store]\npath = %s\n\n' "$T/abuse.db"
		srv_source "$name" after=keep "$@"
	} >"$T/ac.ini"
	"$AC" -c "$T/ac.ini" -v collect >"$T/out" 2>&1
	rc=$?
}
stored() {
	dbq "SELECT count(*) FROM messages WHERE source = '$1'"
}

# INBOX, whose UIDs 1 to 3 Courier has saved; two messages more, not
# yet seen by any session, under names that sort after those.
now=$(date +%s)
srv_load 3 1 --base "$now"
srv_ctl select INBOX >/dev/null
srv_load 2 4 --base $((now + 200))
run inbox
is "the first run exits 0" "$rc" 0
is "and stores all 5" "$(stored inbox)" 5
# A new message whose file name sorts before the last two.
srv_load 1 6 --base $((now + 100))
run inbox
is "the second run exits 0" "$rc" 0
ok "it reads one message" has_line " 1 messages read" "$T/out"
is "the message delivered under an earlier name is stored" \
    "$(stored inbox)" 6
is "it is the new one" \
    "$(dbq "SELECT count(*) FROM messages WHERE source = 'inbox'
        AND report_msgid LIKE '%000006%'")" 1

# A folder made as a mail server makes one, never opened by a client.
fresh="$CO_MAILDIR/.Fresh"
mkdir -p "$fresh/new" "$fresh/cur" "$fresh/tmp"
: >"$fresh/maildirfolder"
chown -R "$CO_UID:$CO_GID" "$fresh"
python3 "$TESTLIB/gen_notifications.py" "$fresh" 3 --start 10 \
    --owner "$CO_UID:$CO_GID"
run fresh folder=INBOX.Fresh
is "a new folder: the first run exits 0" "$rc" 0
is "and stores its 3 messages" "$(stored fresh)" 3
uv=$(dbq "SELECT uidvalidity FROM mailbox_state WHERE source = 'fresh'")
# Courier makes a UIDVALIDITY from the clock: the next session must
# come in another second for a new one to show.
t=$(date +%s)
while [ "$(date +%s)" -le "$t" ]; do
	sleep 0.05
done
python3 "$TESTLIB/gen_notifications.py" "$fresh" 1 --start 13 \
    --owner "$CO_UID:$CO_GID"
run fresh folder=INBOX.Fresh
is "the next run exits 0" "$rc" 0
ok "without a UIDVALIDITY change" sh -c "! grep -q 'UIDVALIDITY changed' '$T/out'"
is "the checkpoint keeps its UIDVALIDITY" \
    "$(dbq "SELECT uidvalidity FROM mailbox_state WHERE source = 'fresh'")" \
    "$uv"
ok "only the new message is read" has_line " 1 messages read" "$T/out"
is "and stored" "$(stored fresh)" 4

done_testing
