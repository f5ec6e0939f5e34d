# Shared by the report-*, email-* and webhook-* tests (after lib.sh):
# test data, the servers they talk to, certificates.

# Traffic of the tests stays on loopback, whatever the environment says.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
	no_proxy NO_PROXY
LIBDIR="$top_srcdir/tests/lib"

# A python3 that has the named modules (Debian's, for python3-aiosmtpd),
# or skip the whole test.
need_python() {
	local mods
	mods=$(echo "$*" | tr ' ' ',')
	for py in /usr/bin/python3 python3; do
		if command -v "$py" >/dev/null 2>&1 &&
		    "$py" -c "import $mods" >/dev/null 2>&1; then
			PY=$py
			return 0
		fi
	done
	skip_all "python3 with $* not installed"
}

# Wait up to $2 seconds (default 10) for file $1 to exist.
wait_file() {
	local i=0 n=$(( ${2:-10} * 20 ))
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ "$i" -gt "$n" ] && return 1
		sleep 0.05
	done
}

# Reports of yesterday (the finished day run reports): mkreport KIND IP
# HH:MM SUBJECT [COUNT] [TAG] into $T/md.
DAY=$(date -u -d yesterday +%Y-%m-%d)
PREV=$(date -u -d '2 days ago' +%Y-%m-%d)
mkreport() {
	"$PY" "$LIBDIR/mkreports.py" "$T/md" "$1" "$2" "${DAY}T$3:00Z" "$4" \
	    "${5:-1}" "${6:-}"
}

# The start of an e-mail test: aiosmtpd, openssl and sqlite3 (or skip),
# the first part of the configuration and the test certificates.
email_prelude() {
	need_python aiosmtpd
	command -v openssl >/dev/null 2>&1 || skip_all "openssl not installed"
	command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"
	base_config
	mkcerts || skip_all "cannot make test certificates"
}

# The customer table and the first part of a configuration at $T/ac.ini;
# days settle at their end (send_after = 0), whatever the hour of the test.
base_config() {
	mkdir -p "$T/var" "$T/md/new" "$T/md/cur" "$T/md/tmp"
	cat >"$T/nets.csv" <<-EOT
	cidr,customer
	192.0.2.0/28,cust-alpha
	192.0.2.16/28,cust-beta
	198.51.100.0/24,cust-gamma
	203.0.113.0/28,cust-delta
	203.0.113.16/28,cust-eps
	EOT
	cat >"$T/ac.ini" <<-EOT
	[store]
	path = var/abuse.db
	[source archive]
	type = maildir
	path = md
	[resolver]
	order = network
	networks_file = nets.csv
	[report]
	output_dir = out
	send_after = 0
	EOT
	chmod 600 "$T/ac.ini"
}

# A test CA and a certificate for 127.0.0.1 and localhost signed by it
# ($T/pki/ca.pem, server.pem, server.key), and an unrelated CA
# ($T/pki/other-ca.pem) that must not be trusted for it.
mkcerts() {
	local d="$T/pki"
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Test CA" \
	    -keyout "$d/ca.key" -out "$d/ca.pem" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	    -subj "/CN=Other CA" -keyout "$d/other-ca.key" \
	    -out "$d/other-ca.pem" 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
	    -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null &&
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	    "basicConstraints=CA:FALSE" \
	    "extendedKeyUsage=serverAuth" >"$d/ext.cnf" &&
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" \
	    -CAkey "$d/ca.key" -CAcreateserial -days 2 \
	    -extfile "$d/ext.cnf" -out "$d/server.pem" 2>/dev/null
}

# Start the webhook receiver NAME; sets NAME_PORT, NAME_LOG, NAME_PLAN.
# Extra arguments go to hooksrv.py (--cert/--key for TLS).
start_hooksrv() {
	local name=$1 dir="$T/srv-$1" pid
	shift
	mkdir -p "$dir"
	echo '{"default": ["200"]}' >"$dir/plan.json"
	"$PY" "$LIBDIR/hooksrv.py" --port-file "$dir/port" \
	    --log "$dir/log" --plan "$dir/plan.json" "$@" \
	    >"$dir/out" 2>&1 &
	pid=$!
	at_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	wait_file "$dir/port" 10 || { cat "$dir/out" >&2; return 1; }
	eval "${name}_PORT=\$(cat \"$dir/port\")"
	eval "${name}_LOG=\"$dir/log\""
	eval "${name}_PLAN=\"$dir/plan.json\""
}

# SQL against the test store.
q() { sqlite3 "$T/var/abuse.db" "$@"; }

# Run deliver until nothing is waiting or $1 seconds have passed.
deliver_until_idle() {
	local end=$(( $(date +%s) + $1 ))
	while [ "$(q "SELECT count(*) FROM outbox WHERE delivered_at IS NULL
	    AND dead = 0")" != 0 ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		"$AC" -c "$T/ac.ini" -q deliver >>"$T/deliver.log" 2>&1
		sleep 0.2
	done
}

# Start the SMTP server NAME (smtpsrv.py arguments follow); sets
# NAME_PORT, NAME_LOG and NAME_SPOOL.
start_smtpsrv() {
	local name=$1 dir="$T/smtp-$1" pid
	shift
	mkdir -p "$dir"
	: >"$dir/log"
	"$PY" "$LIBDIR/smtpsrv.py" --port-file "$dir/port" \
	    --spool "$dir/spool" --log "$dir/log" "$@" >"$dir/out" 2>&1 &
	pid=$!
	at_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	wait_file "$dir/port" 10 || { cat "$dir/out" >&2; return 1; }
	eval "${name}_PORT=\$(cat \"$dir/port\")"
	eval "${name}_LOG=\"$dir/log\""
	eval "${name}_SPOOL=\"$dir/spool\""
}

# Messages in a spool directory.
spooled() { ls "$1" 2>/dev/null | grep -c '\.eml$'; }
