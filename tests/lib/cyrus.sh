# A real Cyrus IMAP (Debian's package, unpacked by fetch-servers.sh) for
# the IMAP tests: a private instance on 127.0.0.1 with its configuration,
# SASL password database and mail spool under $T/cy, started as root (it
# runs as nobody) and stopped when the test exits.  Sourced after lib.sh
# and dovecot.sh (whose certificate authority it shares):
#
#   cy_available            0 if it can run here, else 1 with PKG_WHY
#   cy_require              skip the test unless it can run
#   cy_start [tls=yes|no] [cert=good|expired|wrongname|untrusted]
#                           (re)start; the ports stay the same; the first
#                           start creates the user's INBOX
#   cy_stop
#   cy_crash                kill -9 of every process of the instance
#   cy_admin ARGS...        imapctl.py as the administrator
#   cy_ctl ARGS...          imapctl.py as the test user
#
# Variables: CY (its directory), CY_PORT (IMAP, STARTTLS when tls=yes),
# CY_SPORT (IMAPS), CY_USER, CY_PASS, CY_ADMIN, CY_CA.  Cyrus logs only
# to syslog; its folders are named as Cyrus 3 shows them by default
# (INBOX, Processed, separator /).

. "$top_srcdir/tests/lib/pkgsrv.sh"

CY="$T/cy"
CY_USER=abuse
CY_PASS='c0rrect h"rse'
CY_ADMIN=cyradmin
CY_APASS='adm1n s3cret'
CY_CA="$PKI/ca.pem"
CY_STARTED=

cy_available() {
	pkg_available || return 1
	command -v python3 >/dev/null 2>&1 || { PKG_WHY="python3 is missing"
		return 1; }
	[ -x "$PKG_ROOT/usr/lib/cyrus/bin/master" ] || {
		PKG_WHY="$PKG_ROOT has no Cyrus"; return 1; }
	if [ -z "${CY_PORT:-}" ]; then
		chmod 711 "$T"
		mkdir -p "$CY" && chmod 755 "$CY"
		CY_PORT=$(free_port)
		CY_SPORT=$(free_port)
		while [ "$CY_SPORT" = "$CY_PORT" ]; do
			CY_SPORT=$(free_port)
		done
		[ -f "$PKI/good.pem" ] || dc_pki
		at_exit cy_stop
	fi
	return 0
}

cy_require() {
	cy_available || skip_all "Cyrus: $PKG_WHY"
}

# The Cyrus version, from the package.
cy_version() {
	awk '$1 == "cyrus-imapd" { print $2 }' "$PKG_ROOT/.packages"
}

cy_start() {
	local tls=yes cert=good kv
	for kv; do
		case $kv in
		tls=*) tls=${kv#tls=} ;;
		cert=*) cert=${kv#cert=} ;;
		*) echo "Bail out! cy_start: unknown option $kv"; exit 1 ;;
		esac
	done
	cy_stop
	mkdir -p "$CY/conf" "$CY/spool" "$CY/run" "$CY/etc" "$CY/tls"
	cp "$PKI/$cert.pem" "$CY/tls/cert.pem"
	cp "$PKI/$cert.key" "$CY/tls/key.pem"
	{
		cat <<-EOF
		configdirectory: $CY/conf
		defaultpartition: default
		partition-default: $CY/spool
		cyrus_user: nobody
		cyrus_group: nogroup
		admins: $CY_ADMIN
		servername: localhost
		syslog_prefix: ac-test-cyrus
		sasl_pwcheck_method: auxprop
		sasl_auxprop_plugin: sasldb
		sasl_sasldb_path: $CY/sasldb2
		sasl_mech_list: PLAIN LOGIN
		allowplaintext: yes
		lmtpsocket: $CY/run/lmtp
		idlesocket: $CY/run/idle
		notifysocket: $CY/run/notify
		statuscache: no
		duplicatesuppression: no
		EOF
		if [ "$tls" = yes ]; then
			printf 'tls_server_cert: %s\ntls_server_key: %s\n' \
			    "$CY/tls/cert.pem" "$CY/tls/key.pem"
		fi
	} >"$CY/imapd.conf"
	{
		printf 'START {\n}\nSERVICES {\n'
		printf '  imap cmd="/usr/lib/cyrus/bin/imapd -C %s" listen="127.0.0.1:%s" prefork=0\n' \
		    "$CY/imapd.conf" "$CY_PORT"
		[ "$tls" = yes ] &&
		printf '  imaps cmd="/usr/lib/cyrus/bin/imapd -s -C %s" listen="127.0.0.1:%s" prefork=0\n' \
		    "$CY/imapd.conf" "$CY_SPORT"
		printf '}\nEVENTS {\n}\nDAEMON {\n}\n'
	} >"$CY/cyrus.conf"
	if [ ! -f "$CY/sasldb2" ]; then
		for kv in "$CY_ADMIN:$CY_APASS" "$CY_USER:$CY_PASS"; do
			printf '%s' "${kv#*:}" | unshare -m sh -c '
			    mount -t overlay ac-usr -o "lowerdir=$1/usr:/usr" \
			        /usr && exec saslpasswd2 -p -c -f "$2" \
			        -u localhost "$3"' sh "$PKG_ROOT" "$CY/sasldb2" \
			    "${kv%%:*}" ||
			    { echo "Bail out! saslpasswd2 failed"; exit 1; }
		done
	fi
	chown -R nobody:nogroup "$CY/conf" "$CY/spool" "$CY/run" \
	    "$CY/tls" "$CY/sasldb2"
	chmod 600 "$CY/tls/key.pem" "$CY/sasldb2"
	pkg_spawn "$CY" "$CY/etc" "$CY/run" /usr/lib/cyrus/bin/master \
	    -C "$CY/imapd.conf" -M "$CY/cyrus.conf" -p "$CY/run/master.pid"
	python3 "$TESTLIB/testnet.py" greeting "$CY_PORT" 20 &&
	{ [ "$tls" = no ] ||
	    python3 "$TESTLIB/testnet.py" wait "$CY_SPORT" 20; } ||
	    { echo "Bail out! Cyrus does not greet on 127.0.0.1:$CY_PORT" \
	        "within 20 s"; exit 1; }
	CY_STARTED=$tls
	if [ ! -f "$CY/.inbox" ]; then
		cy_admin create "user/$CY_USER" ||
		    { echo "Bail out! cannot create user/$CY_USER"; exit 1; }
		: >"$CY/.inbox"
	fi
}

cy_stop() {
	CY_STARTED=
	# Cyrus recovers its databases at start; the tests need no clean
	# shutdown.
	pkg_kill "$CY"
}

cy_crash() {
	pkg_kill "$CY" STOP
	pkg_kill "$CY"
	CY_STARTED=
}

# imapctl.py for this instance: over STARTTLS when it runs with TLS.
_cy_ctl() {
	local user=$1 pass=$2 file
	shift 2
	file="$CY/.pw-$user"
	[ -f "$file" ] || secret_file "$file" "$pass"
	if [ "$CY_STARTED" = yes ]; then
		set -- --tls starttls --ca "$CY_CA" "$@"
	fi
	python3 "$TESTLIB/imapctl.py" --port "$CY_PORT" --user "$user" \
	    --password-file "$file" "$@"
}
cy_admin() { _cy_ctl "$CY_ADMIN" "$CY_APASS" "$@"; }
cy_ctl() { _cy_ctl "$CY_USER" "$CY_PASS" "$@"; }
