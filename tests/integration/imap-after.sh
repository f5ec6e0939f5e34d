#!/bin/sh
# after = seen and after = move:FOLDER against a real Dovecot, with MOVE,
# without MOVE (COPY, \Deleted, UID EXPUNGE) and without UIDPLUS too
# (COPY and \Deleted, nothing expunged); never in a dry run; a missing
# target folder stops the source before anything is taken.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

dc_require
dc_start
dc_load 10 1

run() {
	{
		printf '[store]\npath = %s\n\n' "$T/abuse.db"
		dc_source "$@"
	} >"$T/ac.ini"
	"$AC" -c "$T/ac.ini" $opts collect >"$T/out" 2>&1
	rc=$?
}

# What the last IMAP session changed, from Dovecot's log.
last_session() {
	grep "Logged out" "$DC/dovecot.log" | tail -1 |
	    sed 's/.* \(deleted=[0-9]* expunged=[0-9]*\) .*/\1/'
}

# Messages in a folder: all, or those with a flag.
count() {
	dc_doveadm search -u "$DC_USER" mailbox "$1" ${2:-ALL} | wc -l
}

opts=-n
run seen after=seen
is "a dry run with after = seen exits 0" "$rc" 0
is "and flags nothing" "$(count INBOX SEEN)" 0

opts=
run seen after=seen
is "after = seen exits 0" "$rc" 0
is "all 10 messages are flagged \\Seen" "$(count INBOX SEEN)" 10
is "and stay in INBOX" "$(count INBOX)" 10
is "they are stored" "$(dbq 'SELECT count(*) FROM messages')" 10

run mover after=move:Processed
is "after = move to a folder that does not exist: exit 75" "$rc" 75
ok "the error names the folder" \
    grep -q "mover: 127.0.0.1:$DC_SPORT: after = move:Processed: the folder cannot be used" \
    "$T/out"
is "nothing was taken for that source" \
    "$(dbq "SELECT count(*) FROM mailbox_state WHERE source = 'mover'")" 0

dc_doveadm mailbox create -u "$DC_USER" Processed
opts=-n
run mover after=move:Processed
is "a dry run with after = move exits 0" "$rc" 0
is "and moves nothing" "$(count INBOX)" 10

opts=
run mover after=move:Processed batch_size=4
is "after = move exits 0" "$rc" 0
is "INBOX is empty" "$(count INBOX)" 0
is "Processed holds the 10 messages" "$(count Processed)" 10
is "the checkpoint is at the last UID" \
    "$(dbq "SELECT last_uid FROM mailbox_state WHERE source = 'mover'")" 10
# Dovecot counts flagging \Deleted and expunging, but not MOVE.
is "Dovecot was asked to MOVE, not to flag and expunge" "$(last_session)" \
    "deleted=0 expunged=0"

dc_load 3 11
run mover after=move:Processed
is "new mail is moved too" "$(count Processed)" 13
is "and stored" "$(dbq 'SELECT count(*) FROM messages')" 13

# A server without MOVE: COPY, \Deleted, UID EXPUNGE.
dc_start caps="IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS CHILDREN"
dc_load 4 14
run mover after=move:Processed
is "without MOVE, after = move exits 0" "$rc" 0
is "INBOX is empty again" "$(count INBOX)" 0
is "Processed holds all 17" "$(count Processed)" 17
is "none of them is flagged \\Deleted" "$(count Processed DELETED)" 0
is "Dovecot saw 4 flagged \\Deleted and 4 expunged" "$(last_session)" \
    "deleted=4 expunged=4"

# Nor UIDPLUS: EXPUNGE would take other clients' deleted mail too, so
# the copies' originals stay flagged \Deleted.
dc_start caps="IMAP4rev1 LITERAL+ SASL-IR ID NAMESPACE CHILDREN"
dc_load 2 18
run mover after=move:Processed
is "without UIDPLUS, after = move exits 0" "$rc" 0
ok "with a warning that says what is left" \
    grep -q "the server has no UIDPLUS: messages copied to Processed stay flagged \\\\Deleted" \
    "$T/out"
is "the originals are flagged \\Deleted, not expunged" \
    "$(count INBOX DELETED)" 2
is "Processed has the copies" "$(count Processed)" 19
is "Dovecot saw 2 flagged and none expunged" "$(last_session)" \
    "deleted=2 expunged=0"
is "every message is stored once" "$(dbq 'SELECT count(*) FROM messages')" 19

done_testing
