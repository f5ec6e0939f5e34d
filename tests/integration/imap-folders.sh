#!/bin/sh
# Folder names as people read them: a source reads a folder whose name
# holds non-ASCII characters, an ampersand and a character beyond the
# BMP, and moves what it took into another such folder, with MOVE and
# with COPY; the server (a real Dovecot) gets the names in modified UTF-7,
# the store and the messages keep them in UTF-8.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"

dc_require
dc_start

from='Gelöschte Elemente & Co'
to='Geprüft 🛡'
dc_doveadm mailbox create -u "$DC_USER" "$from" "$to" ||
    echo "Bail out! doveadm cannot create the folders"

# Collect from folder $1 (default: the one above).
run() {
	{
		printf '[store]\npath = %s\n\n' "$T/abuse.db"
		dc_source box "folder=${1:-$from}" "after=move:$to"
	} >"$T/ac.ini"
	"$AC" -c "$T/ac.ini" collect >"$T/out" 2>&1
	rc=$?
}

count() {
	dc_doveadm search -u "$DC_USER" mailbox "$1" ALL | wc -l
}

# Messages are put into the INBOX, then moved into the folder.
fill() {
	dc_load "$1" "$2"
	dc_doveadm move -u "$DC_USER" "$from" mailbox INBOX ALL
}

fill 4 1
run
is "a folder named in UTF-8 is read: exit 0" "$rc" 0
is "its messages are stored" "$(dbq 'SELECT count(*) FROM messages')" 4
is "under the folder's name in UTF-8" \
    "$(dbq 'SELECT DISTINCT folder FROM messages')" "$from"
is "the checkpoint too" \
    "$(dbq "SELECT folder || ' ' || last_uid FROM mailbox_state")" "$from 4"
is "they were moved (MOVE) into the other folder" "$(count "$to")" 4
is "and are gone from the first" "$(count "$from")" 0
"$AC" -c "$T/ac.ini" check-config >"$T/cc" 2>&1
ok "check-config shows how the server knows the names" \
    grep -q "^# the server knows it as Gel&APY-schte Elemente &- Co$" "$T/cc"
ok "... the one beyond the BMP too" \
    grep -q "^# the server knows it as Gepr&APw-ft &2D3e4Q-$" "$T/cc"

# Without MOVE: COPY, \Deleted and UID EXPUNGE, the same names.
dc_start caps="IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS CHILDREN"
fill 3 5
run
is "without MOVE: exit 0" "$rc" 0
is "the new messages are stored" "$(dbq 'SELECT count(*) FROM messages')" 7
is "and copied into the other folder" "$(count "$to")" 7
is "and expunged from the first" "$(count "$from")" 0

# A folder that is not there is named as written.
run Überprüfung
is "a missing folder: exit 75" "$rc" 75
ok "the error names it in UTF-8" \
    grep -q "^abuse-collector: box: 127.0.0.1:$DC_SPORT: select Überprüfung: " \
    "$T/out"

# A name that is not UTF-8 is a configuration error.
printf '[store]\npath = %s\n\n[source box]\ntype = imap\nhost = h\nuser = u\npassword_env = X\nfolder = Gel\366schte\n' \
    "$T/abuse.db" >"$T/bad.ini"
"$AC" -c "$T/bad.ini" check-config >"$T/out" 2>&1
is "a folder name in Latin-1: exit 78" "$?" 78
ok "the error names file, line and key" \
    grep -q "^$T/bad.ini:9: \[source box\] folder: is not valid UTF-8$" \
    "$T/out"

done_testing
