#!/bin/sh
# Generate real Postfix delivery status notifications for the golden
# corpus (tests/corpus/dsn/NNN-postfix-*.eml).  Not part of make check:
# run it by hand as root where Postfix is installed
# (DEBIAN_FRONTEND=noninteractive apt-get install -y postfix), then
# write the .expect files with AC_GOLDEN_UPDATE=1 and review them.
#
#   tests/corpus/recipes/postfix-bounces.sh [OUTDIR]
#
# A private Postfix instance runs from a temporary directory: its own
# configuration (postfix -c), queue and log, smtpd on 127.0.0.1 only, no
# DNS, and every domain it does not know goes to the error transport, so
# nothing leaves the machine.  Test messages from notices@abuse.kinds.test
# go to
#   nosuchuser@kinds.test     a local user that does not exist
#   user@refuse.kinds.test    a host (tests/lib/smtpsrv.py) answering 550
#   full@full.kinds.test      a virtual mailbox over its size limit
#   ok@full.kinds.test        a mailbox that takes it, NOTIFY=SUCCESS
#   slow@slow.kinds.test      a host answering 451 (a delay warning)
# and the notifications Postfix sends back are delivered to a second
# smtpsrv.py for abuse.kinds.test, whose spool is copied to OUTDIR
# (default tests/corpus/dsn) as NNN-postfix-<case>.eml.
set -eu
# Debian's python3 has aiosmtpd (python3-aiosmtpd).
py=${PYTHON:-/usr/bin/python3}
src=$(cd "$(dirname "$0")/../../.." && pwd)
out=${1:-$src/tests/corpus/dsn}
first=${AC_RECIPE_FIRST:-101}
[ "$(id -u)" = 0 ] || { echo "postfix-bounces.sh: run as root" >&2; exit 1; }
command -v postfix >/dev/null || { echo "postfix-bounces.sh: no postfix" >&2; exit 1; }

d=$(mktemp -d "${TMPDIR:-/tmp}/ac-postfix.XXXXXX")
# Postfix's own users reach the queue and the mailboxes below it.
chmod 755 "$d"
pids=
cleanup() {
	postfix -c "$d/etc" stop >/dev/null 2>&1 || :
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	rm -rf "$d"
}
trap cleanup EXIT INT TERM
[ -z "${AC_RECIPE_KEEP:-}" ] || trap - EXIT

# Wait until the file $1 exists, at most $2 tenths of a second; $3 says
# what did not happen.
wait_for() {
	n=0
	while [ ! -e "$1" ]; do
		n=$((n + 1))
		[ "$n" -le "$2" ] || { echo "postfix-bounces.sh: $3" >&2; exit 1; }
		sleep 0.1
	done
}

smtpd() {	# name [--reply-rcpt ADDR=CODE]
	name=$1
	shift
	"$py" "$src/tests/lib/smtpsrv.py" --mode plain \
	    --port-file "$d/$name.port" --spool "$d/$name" \
	    --log "$d/$name.log" "$@" >"$d/$name.out" 2>&1 &
	pids="$pids $!"
	wait_for "$d/$name.port" 100 "the $name SMTP server did not start"
}

smtpd capture
smtpd refuse --reply-rcpt user@refuse.kinds.test=550
smtpd slow --reply-rcpt slow@slow.kinds.test=451
capture=$(cat "$d/capture.port")
refuse=$(cat "$d/refuse.port")
slow=$(cat "$d/slow.port")
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

mkdir -p "$d/etc" "$d/queue" "$d/data" "$d/mail"
sed -e "s/^smtp      inet .*/127.0.0.1:$port inet n - n - - smtpd/" \
    -e 's/^\([a-z]* *unix *[-n] *[-n] *\)y/\1n/' \
    /etc/postfix/master.cf >"$d/etc/master.cf"
# The full mailbox: already at its limit.
head -c 39900 /dev/zero | tr '\0' 'x' | fold -w 70 | sed '1s/^/From x@y  Thu Jan  1 00:00:00 2026\n/' \
    >"$d/mail/full"
chown postfix "$d/mail" "$d/mail/full" "$d/data"
cat >"$d/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.kinds.test
mydomain = kinds.test
myorigin = kinds.test
mydestination = kinds.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
local_recipient_maps =
alias_maps =
alias_database =
smtp_host_lookup = native
disable_dns_lookups = yes
smtp_tls_security_level = none
smtpd_tls_security_level = none
relayhost =
default_transport = error:no delivery outside this test
transport_maps = inline:{ abuse.kinds.test=smtp:[127.0.0.1]:$capture, refuse.kinds.test=smtp:[127.0.0.1]:$refuse, slow.kinds.test=smtp:[127.0.0.1]:$slow }
virtual_mailbox_domains = full.kinds.test
virtual_mailbox_base = $d/mail
virtual_mailbox_maps = inline:{ full@full.kinds.test=full, ok@full.kinds.test=ok }
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
virtual_minimum_uid = 1
message_size_limit = 40000
virtual_mailbox_limit = 40000
mailbox_size_limit = 40000
maillog_file = $d/maillog
maillog_file_prefixes = $d
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
delay_warning_time = 1s
bounce_queue_lifetime = 1d
maximal_queue_lifetime = 1d
EOF
script -qec "postfix -c $d/etc check" /dev/null || { echo "postfix-bounces.sh: postfix check failed" >&2; exit 1; }
script -qec "postfix -c $d/etc start" /dev/null >/dev/null || { echo "postfix-bounces.sh: postfix did not start" >&2; exit 1; }
i=0
while ! "$py" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -le 100 ] || { echo "postfix-bounces.sh: smtpd does not listen on $port" >&2; exit 1; }
	sleep 0.1
done

send() {	# rcpt notify subject
	"$py" - "$port" "$1" "$2" "$3" <<'PY'
import smtplib, sys, email.utils
port, rcpt, notify, subject = sys.argv[1:]
msg = ("From: Abuse Desk <notices@abuse.kinds.test>\r\n"
       "To: <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\n"
       "Auto-Submitted: auto-generated\r\n\r\n"
       "A notice from the abuse desk of kinds.test.\r\n" % (
           rcpt, subject, email.utils.formatdate(),
           email.utils.make_msgid("notice", "abuse.kinds.test")))
with smtplib.SMTP("127.0.0.1", int(port)) as s:
    s.ehlo("sender.kinds.test")
    s.sendmail("notices@abuse.kinds.test", [rcpt], msg,
               rcpt_options=["NOTIFY=" + notify])
PY
}

send nosuchuser@kinds.test FAILURE "Abuse notice: unknown user"
send user@refuse.kinds.test FAILURE "Abuse notice: refused"
send full@full.kinds.test FAILURE "Abuse notice: full mailbox"
send ok@full.kinds.test SUCCESS "Abuse notice: delivered"
send slow@slow.kinds.test DELAY "Abuse notice: delayed"

# Five notifications: three bounces, a success, a delay warning.
n=0
while [ "$(ls "$d/capture" 2>/dev/null | grep -c '\.eml$')" -lt 5 ]; do
	n=$((n + 1))
	[ "$n" -le 1200 ] || { echo "postfix-bounces.sh: only" \
	    "$(ls "$d/capture" | grep -c '\.eml$') of 5 notifications" \
	    "arrived in 120 s; $d/maillog says:" >&2; tail -20 "$d/maillog" >&2; exit 1; }
	sleep 0.1
done

num=$first
for f in $(ls "$d/capture" | grep '\.eml$' | sort -n); do
	m=$d/capture/$f
	case $(grep -m1 -i '^Subject: Abuse notice' "$m" || :) in
	*unknown*) what=unknown-user ;;
	*refused*) what=host-refuses-550 ;;
	*full*) what=mailbox-full ;;
	*delivered*) what=success ;;
	*delayed*) what=delay-warning ;;
	*) what=other ;;
	esac
	cp "$m" "$out/$num-postfix-$what.eml"
	echo "$out/$num-postfix-$what.eml"
	num=$((num + 1))
done
