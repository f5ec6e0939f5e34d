#!/bin/sh
# Messages the server cannot read itself (here: files its mail user may
# not open, so Dovecot ends the session in the middle of a FETCH) do not
# block the folder: the rest is collected, each unreadable message is
# stored once as quarantined with the reason and its UID, the checkpoint
# reaches the highest UID, and the next run has nothing to do.  One of
# them fails in the sizes pass, one (its sizes known from its file name)
# in the bodies pass.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

dc_require
n=60
dc_load $n 1
files=$(ls "$DC_MAILDIR/new" | sort)
bad1=$(echo "$files" | sed -n 17p)
bad2=$(echo "$files" | sed -n 44p)
# Dovecot takes a message's sizes from ",S=" and ",W=" (with CRLF line
# ends) in its file name without opening it.
sizes=$(python3 -c 'import sys
b = open(sys.argv[1], "rb").read()
print(",S=%d,W=%d" % (len(b), len(b.replace(b"\r\n", b"\n").replace(b"\n",
    b"\r\n"))))' "$DC_MAILDIR/new/$bad2")
mv "$DC_MAILDIR/new/$bad2" "$DC_MAILDIR/new/$bad2$sizes"
bad2="$bad2$sizes"
dc_start
# After dc_start, which gives the mail user its files.
for f in "$bad1" "$bad2"; do
	chown root:root "$DC_MAILDIR/new/$f"
	chmod 600 "$DC_MAILDIR/new/$f"
done

# The UID Dovecot gave the file named $1 (its GUID in a Maildir).
uid_of() {
	dc_doveadm fetch -u "$DC_USER" "uid guid" mailbox INBOX |
	    awk -v g="$1" '$1 == "uid:" { u = $2 }
	        $1 == "guid:" && $2 == g { print u }'
}
uid1=$(uid_of "$bad1")
uid2=$(uid_of "$bad2")
ok "the server gave the two files UIDs ($uid1, $uid2)" \
    test -n "$uid1" -a -n "$uid2"

{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source box batch_size=10
} >"$T/ac.ini"
"$AC" -c "$T/ac.ini" -v collect >"$T/out" 2>&1
rc=$?
sed 's/^/# /' "$T/out"
is "a folder with two unreadable messages: exit 0" "$rc" 0
is "the others are stored, with their reports" \
    "$(dbq "SELECT count(*) FROM messages m JOIN reports r
        ON r.message = m.id WHERE m.status <> 'quarantined'")" $((n - 2))
is "the two are quarantined, by UID" \
    "$(dbq "SELECT group_concat(uid, ' ') FROM (SELECT uid FROM messages
        WHERE status = 'quarantined' ORDER BY uid)")" \
    "$(printf '%s\n' "$uid1" "$uid2" | sort -n | paste -sd ' ')"
ok "with the reason" test "$(dbq "SELECT count(*) FROM messages
    WHERE reason LIKE 'the server failed to send it on two connections (fetch % of uid %:%: %); it stays on the server'")" = 2
ok "one failed in the sizes pass" grep -q "^abuse-collector: warning: box: 127.0.0.1:$DC_SPORT: folder INBOX: fetch sizes of uid $uid1:$uid1: .*; trying uid $uid1 once more" "$T/out"
ok "one in the bodies pass" grep -q "^abuse-collector: warning: box: 127.0.0.1:$DC_SPORT: folder INBOX: fetch messages of uid $uid2:$uid2: .*; trying uid $uid2 once more" "$T/out"
ok "the log names each quarantined UID" \
    grep -q "^box: folder INBOX: uid $uid2: quarantined: the server failed" \
    "$T/out"
ok "the summary line counts them" \
    grep -q "$((n - 2)) messages read, 0 over the size limit, 0 removed meanwhile, 2 not sent by the server; checkpoint uid $n" \
    "$T/out"
is "the checkpoint is the highest UID" \
    "$(dbq "SELECT last_uid FROM mailbox_state WHERE source = 'box'")" $n
is "the unreadable messages are still on the server" \
    "$(dc_doveadm search -u "$DC_USER" mailbox INBOX all | wc -l)" $n

"$AC" -c "$T/ac.ini" -v collect >"$T/out" 2>&1
is "the next run: exit 0" "$?" 0
ok "it reads nothing" grep -q " 0 messages read, .* 0 not sent by the server; checkpoint uid $n" "$T/out"
is "and stores nothing twice" "$(dbq 'SELECT count(*) FROM messages')" $n

# A server that stops answering is not taken for one that fails a
# message: imap-faults.sh shows that run ends at the timeout, skipping
# nothing.
done_testing
