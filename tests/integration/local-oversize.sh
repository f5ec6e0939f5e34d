#!/bin/sh
# Local messages over max_message_size are each quarantined by their
# place: different Maildir files and different mbox messages of the same
# size are as many records, and a rerun adds none.
. "$top_srcdir/tests/lib/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"

# A message of exactly $2 bytes whose body is made of the letter $1.
msg() {
	local head="From: a@example.org
To: abuse@example.net
Subject: $1
Message-ID: <$1@example.org>
"
	printf '%s\n' "$head"
	head -c $(($2 - ${#head} - 2)) /dev/zero | tr '\0' "$1"
	printf '\n'
}

mkmaildir "$T/md"
for x in a b c; do
	msg "$x" 3027 >"$T/md/new/16000000$x.1.host"
done
: >"$T/box.mbox"
for x in d e f; do
	printf 'From a@example.org Mon Nov 23 10:00:00 2026\n' >>"$T/box.mbox"
	msg "$x" 3027 >>"$T/box.mbox"
	printf '\n' >>"$T/box.mbox"
done
cat >"$T/ac.ini" <<X
[store]
path = $T/abuse.db
[source md]
type = maildir
path = md
[source mb]
type = mbox
path = box.mbox
[limits]
max_message_size = 2k
X
q() { sqlite3 "$T/abuse.db" "$1"; }

is "the three files are of equal size" \
    "$(stat -c %s "$T"/md/new/* | sort -u)" 3027
"$AC" -c "$T/ac.ini" collect >"$T/out" 2>&1
is "collect succeeds" "$?" 0
is "three different oversize Maildir files are three quarantine records" \
    "$(q "SELECT count(*) FROM messages WHERE source = 'md' AND
    status = 'quarantined' AND reason LIKE '%over the limit%'")" 3
is "three different oversize mbox messages are three records" \
    "$(q "SELECT count(*) FROM messages WHERE source = 'mb' AND
    status = 'quarantined' AND reason LIKE '%over the limit%'")" 3
"$AC" -c "$T/ac.ini" -v collect >"$T/out2" 2>&1
is "a rerun adds nothing" "$?:$(q "SELECT count(*) FROM messages")" "0:6"
ok "and reads nothing again" has_line "^0 messages" "$T/out2"

# Imported, the same files are known by their paths.
"$AC" -c "$T/ac.ini" import "$T/md" >"$T/out3" 2>&1
is "import of the Maildir quarantines each file" \
    "$(q "SELECT count(*) FROM messages WHERE source = 'import'")" 3
"$AC" -c "$T/ac.ini" import "$T/md" >"$T/out3" 2>&1
is "and a second import adds nothing" \
    "$(q "SELECT count(*) FROM messages WHERE source = 'import'")" 3
done_testing
