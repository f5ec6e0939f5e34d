#!/bin/sh
# A name server that does not answer: the host lookup of an imap source
# ends within connect_timeout, with an error that says so, however long
# the system's resolver would wait.  The collector runs in a mount
# namespace of its own whose /etc/resolv.conf names a UDP socket on
# 127.0.0.2 that reads and never answers, with a resolver timeout of 30 s.
. "$top_srcdir/tests/lib/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "a mount namespace needs root"
command -v unshare >/dev/null 2>&1 || skip_all "unshare (util-linux) is missing"
unshare -m true 2>/dev/null ||
    skip_all "cannot make a mount namespace here (unshare -m)"

: >"$T/mute"
python3 "$top_srcdir/tests/lib/testnet.py" mute 127.0.0.2 53 >"$T/mute" 2>&1 &
mute=$!
at_exit "kill $mute 2>/dev/null"
n=0
until grep -q ready "$T/mute" || [ $n -ge 250 ]; do
	sleep 0.02
	n=$((n + 1))
done
grep -q ready "$T/mute" || skip_all "cannot listen on 127.0.0.2:53: $(cat "$T/mute")"
printf 'nameserver 127.0.0.2\noptions timeout:30 attempts:1\n' >"$T/resolv.conf"

secret_file "$T/pass" "x"
cat >"$T/ac.ini" <<-INI
[store]
path = $T/abuse.db

[source box]
type = imap
host = mail.example.test
user = abuse
password_file = $T/pass
connect_timeout = 2s
INI

# The resolver of the namespace is the mute one: a lookup there waits
# (where the system does not look names up through resolv.conf, or
# cannot mount over it, there is nothing to test).
unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf' sh "$T/resolv.conf" \
    2>"$T/mount" || skip_all "cannot mount over /etc/resolv.conf: $(cat "$T/mount")"
unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf &&
    exec timeout 3 getent hosts mail.example.test' sh "$T/resolv.conf"
[ $? = 124 ] || skip_all "host lookups here do not wait for the name server" \
    "of resolv.conf (see /etc/nsswitch.conf)"

start=$(date +%s)
unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift &&
    exec "$@"' sh "$T/resolv.conf" "$AC" -c "$T/ac.ini" collect \
    >"$T/out" 2>&1
rc=$?
took=$(($(date +%s) - start))
is "a name server that does not answer: exit 75" "$rc" 75
ok "the error names the source and says the lookup timed out" \
    grep -q "^abuse-collector: box: mail.example.test:993: cannot resolve the host: no answer within 2 s$" \
    "$T/out"
ok "it gave up after about connect_timeout (${took}s), not 30 s" \
    test "$took" -le 20

done_testing
