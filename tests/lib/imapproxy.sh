# The IMAP proxy of imapproxy.py in front of the plain IMAP port of the
# test's Dovecot (dovecot.sh), or of port $PX_UPSTREAM when set.
# Sourced after lib.sh and dovecot.sh:
#
#   px_start NAME [imapproxy.py options]
#                       start a proxy; sets PX_PORT (where it listens),
#                       PX_LOG (the commands it saw, $T/NAME.log) and
#                       PX_PID; it is stopped when the test exits
#   px_stop             stop the last one started

px_start() {
	local name=$1 n=0
	shift
	PX_PORT=$(free_port)
	PX_LOG="$T/$name.log"
	rm -f "$T/$name.ready"
	python3 "$top_srcdir/tests/lib/imapproxy.py" "$PX_PORT" \
	    "${PX_UPSTREAM:-$DC_PORT}" \
	    "$PX_LOG" "$T/$name.ready" "$@" &
	PX_PID=$!
	at_exit "kill $PX_PID 2>/dev/null"
	while [ ! -s "$T/$name.ready" ] && [ $n -lt 500 ]; do
		kill -0 "$PX_PID" 2>/dev/null || break
		sleep 0.02
		n=$((n + 1))
	done
	[ -s "$T/$name.ready" ] ||
	    { echo "Bail out! imapproxy.py did not listen within 10 s"; exit 1; }
}

px_stop() {
	kill "$PX_PID" 2>/dev/null
	wait "$PX_PID" 2>/dev/null
}
