# The scripted IMAP server of tests/lib/imapfault.py, for the shell
# tests, after lib.sh:
#
#   fake_start MODE [OPTION...]   start it; its port in $port once it listens
#   fake_stop                     stop it
#   ini [KEY=VALUE...]            $T/ac.ini: a store and the plaintext
#                                 source box on it; KEY=VALUE replaces or
#                                 adds a key, KEY= removes one
#   collect [KEY=VALUE...]        ini, then collect into a new store: rc,
#                                 took (s), rss (max KiB) and $T/out
#   q SQL                         a query on the store
#   rss_max                       KiB that a run should stay under

[ -x /usr/bin/time ] || skip_all "/usr/bin/time not installed"
# A sanitizer build reserves terabytes of address space for its shadow
# and keeps freed memory in quarantine: address-space limits cannot be
# set, and memory is measured with more room.
if nm "$AC" 2>/dev/null | grep -q __asan_init ||
    ldd "$AC" 2>/dev/null | grep -q libasan; then
	sanitized=1
	rss_max=262144
else
	sanitized=0
	rss_max=65536
fi
FAULT="$top_srcdir/tests/lib/imapfault.py"
secret_file "$T/pass" "any password"

# The scripted server in mode $1 (more options after it); its port in
# $port once it listens.
fake_start() {
	rm -f "$T/port"
	python3 "$FAULT" "$T/port" "$@" >"$T/fake.out" 2>&1 &
	fakepid=$!
	i=0
	while [ ! -s "$T/port" ]; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then
			echo "Bail out! the scripted IMAP server did not start"
			cat "$T/fake.out"
			exit 1
		fi
		sleep 0.05
	done
	port=$(cat "$T/port")
}
fake_stop() {
	kill $fakepid 2>/dev/null
	wait $fakepid 2>/dev/null
}
at_exit 'kill $fakepid 2>/dev/null'

# $T/ac.ini: a store and the source box on the scripted server, with
# [source box] keys $@ added.
ini() {
	local key kv found
	{
		printf '[store]\npath = %s\n\n[source box]\n' "$T/abuse.db"
		for key in type=imap host=127.0.0.1 "port=$port" tls=none \
		    allow_plaintext=yes user=abuse "password_file=$T/pass"; do
			found=
			for kv; do
				[ "${kv%%=*}" = "${key%%=*}" ] && found=1
			done
			[ -n "$found" ] ||
			    printf '%s = %s\n' "${key%%=*}" "${key#*=}"
		done
		for kv; do
			case $kv in
			*=) ;;		# key= removes a default
			*) printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" ;;
			esac
		done
	} >"$T/ac.ini"
}

# collect into a new store with ini "$@"; never longer than 60 s (a
# collector that hangs fails the test, it does not hang it).  rc, took
# (seconds), rss (KiB) and $T/out.
collect() {
	rm -f "$T/abuse.db" "$T/abuse.db-wal" "$T/abuse.db-shm"
	ini "$@"
	start=$(date +%s%N)
	/usr/bin/time -f %M -o "$T/rss" timeout -s KILL 60 \
	    "$AC" -c "$T/ac.ini" -v collect >"$T/out" 2>&1
	rc=$?
	took=$((($(date +%s%N) - start) / 1000000000))
	rss=$(tail -n 1 "$T/rss")
	case $rss in *[!0-9]*|'') rss=999999999 ;; esac
	sed 's/^/# /' "$T/out"
}

q() { sqlite3 "$T/abuse.db" "$1"; }

