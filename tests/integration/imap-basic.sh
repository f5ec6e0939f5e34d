#!/bin/sh
# The imap source against a real Dovecot: a first run takes everything,
# a second run nothing, a third only what arrived; checkpoints equal the
# highest UID; STARTTLS and implicit TLS; a dry run changes nothing; a
# message over the size limit is recorded without being downloaded.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

dc_require
dc_start
dc_load 50 1

{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source admin
} >"$T/ac.ini"

"$AC" -c "$T/ac.ini" collect >"$T/out" 2>"$T/err"
is "first run exits 0" "$?" 0
is "a quiet success prints nothing" "$(cat "$T/out" "$T/err")" ""
is "50 messages stored" "$(dbq 'SELECT count(*) FROM messages')" 50
is "50 reports, all spamexperts" \
    "$(dbq "SELECT count(*) FROM reports WHERE format = 'spamexperts'")" 50
is "each message has its source, folder and UID" \
    "$(dbq "SELECT count(DISTINCT uid) FROM messages WHERE source = 'admin'
        AND folder = 'INBOX' AND uid BETWEEN 1 AND 50")" 50
uv=$(dc_doveadm -f flow mailbox status -u "$DC_USER" uidvalidity INBOX |
    sed 's/.*uidvalidity=//')
is "the checkpoint is the server's UIDVALIDITY and the highest UID" \
    "$(dbq "SELECT uidvalidity || ' ' || last_uid FROM mailbox_state
        WHERE source = 'admin' AND folder = 'INBOX'")" "$uv 50"
"$AC" -c "$T/ac.ini" status >"$T/status"
ok "status shows the checkpoint" grep -q "uidvalidity $uv, last uid 50" \
    "$T/status"

"$AC" -c "$T/ac.ini" -v collect >"$T/out" 2>&1
is "a run with nothing new exits 0" "$?" 0
ok "it reads nothing" grep -q "0 messages read" "$T/out"
is "still 50 messages" "$(dbq 'SELECT count(*) FROM messages')" 50

dc_load 30 51
"$AC" -c "$T/ac.ini" collect
is "the next run exits 0" "$?" 0
is "it adds the 30 new ones" "$(dbq 'SELECT count(*) FROM messages')" 80
is "and moves the checkpoint to 80" \
    "$(dbq "SELECT last_uid FROM mailbox_state WHERE source = 'admin'")" 80
is "no message was stored twice" \
    "$(dbq 'SELECT count(*) - count(DISTINCT uid) FROM messages')" 0

# A dry run fetches and parses but keeps nothing.
dc_load 5 81
"$AC" -c "$T/ac.ini" -n -v collect >"$T/out" 2>&1
is "a dry run exits 0" "$?" 0
ok "it read the 5 new messages" grep -q "5 messages read" "$T/out"
is "and stored none" "$(dbq 'SELECT count(*) FROM messages')" 80
is "nor moved the checkpoint" \
    "$(dbq "SELECT last_uid FROM mailbox_state WHERE source = 'admin'")" 80

# STARTTLS on the plain port, and the name localhost instead of the
# address: a second store reads the same mailbox.
{
	printf '[store]\npath = %s\n\n' "$T/st.db"
	dc_source starttls tls=starttls "port=$DC_PORT" host=localhost
} >"$T/st.ini"
"$AC" -c "$T/st.ini" collect
is "tls = starttls reads the mailbox" "$?" 0
is "all 85 messages" "$(sqlite3 "$T/st.db" 'SELECT count(*) FROM messages')" 85
ok "Dovecot saw a TLS login" grep -q "Login: user=<$DC_USER>.*TLS" \
    "$DC/dovecot.log"

# Another folder, with a space in its name, has its own checkpoint; one
# that does not exist is an error that names it.
dc_doveadm mailbox create -u "$DC_USER" "Abuse Reports"
dc_doveadm copy -u "$DC_USER" "Abuse Reports" mailbox INBOX uid 1:3
{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source admin "folder=Abuse Reports"
} >"$T/folder.ini"
"$AC" -c "$T/folder.ini" collect
is "a folder with a space in its name is read" "$?" 0
is "it has its own checkpoint" \
    "$(dbq "SELECT last_uid FROM mailbox_state WHERE folder = 'Abuse Reports'")" 3
is "its copies of stored messages are not stored again" \
    "$(dbq 'SELECT count(*) FROM messages')" 80
"$AC" -c "$T/folder.ini" status >"$T/status"
ok "status shows that folder's checkpoint, though it stored nothing new" \
    sh -c "grep -A1 '^source admin, folder Abuse Reports:' '$T/status' |
    grep -q 'last uid 3'"
{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	dc_source admin folder=Nope
} >"$T/folder.ini"
"$AC" -c "$T/folder.ini" collect >"$T/err" 2>&1
is "a folder that does not exist: exit 75" "$?" 75
ok "the error names it and quotes the server" \
    grep -q "^abuse-collector: admin: 127.0.0.1:$DC_SPORT: select Nope: the server said: .*Nope" \
    "$T/err"

# A message over max_message_size is recorded, not downloaded.
dc_load 1 90 --pad 300000
{
	printf '[store]\npath = %s\n\n[limits]\nmax_message_size = 100k\n\n' \
	    "$T/abuse.db"
	dc_source admin
} >"$T/small.ini"
: >"$DC/dovecot.log"
"$AC" -c "$T/small.ini" collect
is "a run with a message over the limit exits 0" "$?" 0
is "the big message is quarantined with its size, without its bytes" \
    "$(dbq "SELECT status, size > 300000, raw IS NULL,
        reason LIKE '%over the limit%not downloaded' FROM messages
        WHERE uid = (SELECT max(uid) FROM messages)")" "quarantined|1|1|1"
is "the five messages before it are stored" \
    "$(dbq 'SELECT count(*) FROM messages')" 86
out=$(sed -n 's/.*Logged out in=[0-9]* out=\([0-9]*\).*/\1/p' \
    "$DC/dovecot.log" | tail -1)
ok "the server sent far less than the big message ($out bytes)" \
    test -n "$out" -a "${out:-0}" -lt 200000
is "the checkpoint passes it" \
    "$(dbq "SELECT last_uid FROM mailbox_state WHERE source = 'admin'
        AND folder = 'INBOX'")" 86

done_testing
