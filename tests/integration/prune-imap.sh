#!/bin/sh
# Retention against a real Dovecot: messages that arrived (INTERNALDATE)
# before [store] keep are pruned; when the server then gives the folder
# a new UIDVALIDITY, so that every message looks new to a client, the
# next collect reads them all again and counts none of them: the pruned
# ones are known by the hash prune kept, the others are in the store.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

dc_require
dc_start
# 30 notifications that arrived 200 days ago and 20 that arrive now (a
# Maildir file's time is its INTERNALDATE), all dated 2026-01-01: a
# report older than keep (max_report_age follows it) counts on the day
# it arrived.
old=$(date -u -d '200 days ago' +%Y-%m-%dT12:00:00Z)
dc_load 30 1
touch -d "$old" "$DC_MAILDIR"/new/*
dc_load 20 31

{
	printf '[store]\npath = %s\nkeep = 30d\n\n' "$T/abuse.db"
	dc_source admin
} >"$T/ac.ini"

ok "the first collect" "$AC" -c "$T/ac.ini" collect
is "50 messages and reports stored" \
    "$(dbq 'SELECT count(*) FROM messages')|$(dbq 'SELECT count(*) FROM reports')" \
    "50|50"
is "30 of them arrived 200 days ago, by INTERNALDATE" \
    "$(dbq "SELECT count(*) FROM messages
    WHERE arrived_at < strftime('%s', 'now', '-100 days')")" 30

"$AC" -c "$T/ac.ini" prune >"$T/prune.out" 2>&1
is "prune exits 0" "$?" 0
is "it removed the 30 old messages and their reports" \
    "$(grep -E '^  (reports|messages) ' "$T/prune.out" | tr -s ' ' | tr '\n' ' ')" \
    " reports 30  messages 30 "
is "20 stay; the hashes of the 30 are kept" \
    "$(dbq 'SELECT count(*) FROM messages')|$(dbq 'SELECT count(*) FROM message_gone')" \
    "20|30"

uv=$(dc_doveadm -f flow mailbox status -u "$DC_USER" uidvalidity INBOX |
    sed 's/.*uidvalidity=//')
ok "the server gives INBOX a new UIDVALIDITY" \
    dc_doveadm mailbox update -u "$DC_USER" --uid-validity $((uv + 1)) INBOX
"$AC" -c "$T/ac.ini" -v collect >"$T/again.out" 2>&1
is "the collect after it exits 0" "$?" 0
ok "it read all 50 again and counted none" \
    grep -q "50 messages: 0 new reports, 50 duplicates" "$T/again.out"
is "the store has what it had" \
    "$(dbq 'SELECT count(*) FROM messages')|$(dbq 'SELECT count(*) FROM reports')" \
    "20|20"
is "the checkpoint has the new UIDVALIDITY" \
    "$(dbq "SELECT uidvalidity FROM mailbox_state
    WHERE source = 'admin' AND folder = 'INBOX'")" $((uv + 1))
done_testing
