# A real Courier-IMAP (Debian's package, unpacked by fetch-servers.sh)
# for the IMAP tests: a private instance on 127.0.0.1 (couriertcpd,
# imaplogin, imapd, and authdaemond with a userdb of one user) with its
# configuration and Maildir under $T/co, started as root (the mail user
# is nobody) and stopped when the test exits.  Sourced after lib.sh and
# dovecot.sh (whose certificate authority it shares):
#
#   co_available            0 if it can run here, else 1 with PKG_WHY
#   co_require              skip the test unless it can run
#   co_start [tls=yes|no] [cert=good|expired|wrongname|untrusted]
#                           (re)start; the ports stay the same
#   co_stop
#   co_crash                kill -9 of every process of the instance
#   co_load COUNT [START] [gen_notifications.py options]
#                           deliver generated notifications into the
#                           INBOX's Maildir, as a mail server does
#   co_ctl ARGS...          imapctl.py as the test user
#
# Variables: CO (its directory), CO_PORT (IMAP, STARTTLS when tls=yes),
# CO_SPORT (IMAPS), CO_USER, CO_PASS, CO_MAILDIR, CO_CA.  Folders are
# named as Courier shows them: INBOX, INBOX.Processed (separator ".").
# The server's log is $CO/imapd.log and $CO/authdaemond.log.

. "$top_srcdir/tests/lib/pkgsrv.sh"

CO="$T/co"
CO_USER=abuse
CO_PASS='c0rrect h"rse'
CO_MAILDIR="$CO/home/$CO_USER/Maildir"
CO_CA="$PKI/ca.pem"
CO_UID=65534
CO_GID=65534
CO_STARTED=

co_available() {
	pkg_available || return 1
	local p
	for p in python3 openssl; do
		command -v $p >/dev/null 2>&1 || { PKG_WHY="$p is missing"
			return 1; }
	done
	[ -x "$PKG_ROOT/usr/bin/imapd" ] || {
		PKG_WHY="$PKG_ROOT has no Courier-IMAP"; return 1; }
	if [ -z "${CO_PORT:-}" ]; then
		chmod 711 "$T"
		mkdir -p "$CO" && chmod 755 "$CO"
		CO_PORT=$(free_port)
		CO_SPORT=$(free_port)
		while [ "$CO_SPORT" = "$CO_PORT" ]; do
			CO_SPORT=$(free_port)
		done
		[ -f "$PKI/good.pem" ] || dc_pki
		at_exit co_stop
	fi
	return 0
}

co_require() {
	co_available || skip_all "Courier: $PKG_WHY"
}

# The Courier-IMAP version, from the package.
co_version() {
	awk '$1 == "courier-imap" { print $2 }' "$PKG_ROOT/.packages"
}

co_start() {
	local tls=yes cert=good kv etc="$CO/etc/courier"
	for kv; do
		case $kv in
		tls=*) tls=${kv#tls=} ;;
		cert=*) cert=${kv#cert=} ;;
		*) echo "Bail out! co_start: unknown option $kv"; exit 1 ;;
		esac
	done
	co_stop
	mkdir -p "$etc" "$CO/run/courier/authdaemon" "$CO_MAILDIR/new" \
	    "$CO_MAILDIR/cur" "$CO_MAILDIR/tmp"
	chown -R "$CO_UID:$CO_GID" "$CO/home"
	chmod 755 "$CO/home" "$CO/run" "$CO/run/courier"
	chmod 750 "$CO/run/courier/authdaemon"
	cat >"$etc/authdaemonrc" <<-EOF
	authmodulelist="authuserdb"
	daemons=2
	authdaemonvar=/run/courier/authdaemon
	DEBUG_LOGIN=0
	DEFAULTOPTIONS=""
	LOGGEROPTS=""
	EOF
	if [ ! -f "$etc/userdb.dat" ]; then
		printf '%s\tuid=%s|gid=%s|home=%s|mail=%s|imappw=%s\n' \
		    "$CO_USER" "$CO_UID" "$CO_GID" "$CO/home/$CO_USER" \
		    "$CO_MAILDIR" "$(printf '%s' "$CO_PASS" |
		    openssl passwd -6 -stdin)" >"$etc/userdb"
		chmod 600 "$etc/userdb"
		unshare -m sh -c 'mount -t overlay ac-usr \
		    -o "lowerdir=$1/usr:/usr" /usr &&
		    exec makeuserdb -f "$2"' sh "$PKG_ROOT" "$etc/userdb" ||
		    { echo "Bail out! makeuserdb failed"; exit 1; }
	fi
	cat "$PKI/$cert.key" "$PKI/$cert.pem" >"$etc/imapd.pem"
	# imaplogin hands STARTTLS to couriertls as the user "courier",
	# which the package would have created: here it exists only in the
	# server's namespace, as nobody.
	{ cat /etc/passwd; echo "courier:x:$CO_UID:$CO_GID::/:/bin/false"; } \
	    >"$CO/etc/passwd"
	{ cat /etc/group; echo "courier:x:$CO_GID:"; } >"$CO/etc/group"
	chown "$CO_UID:$CO_GID" "$etc/imapd.pem"
	chmod 600 "$etc/imapd.pem"
	# The package's settings, with the test's own after them.
	{
		cat "$PKG_ROOT/etc/courier/imapd" "$PKG_ROOT/etc/courier/imapd-ssl"
		cat <<-EOF
		IMAP_ULIMITD=
		MAXDAEMONS=40
		MAXPERIP=40
		IMAP_IDLE_TIMEOUT=60
		TLS_CERTFILE=$etc/imapd.pem
		TLS_TRUSTCERTS=$CO_CA
		TLS_CACHEFILE=
		TLS_VERIFYPEER=NONE
		COURIERTLS=/usr/bin/couriertls
		EOF
		if [ "$tls" = yes ]; then
			echo IMAP_STARTTLS=YES
		else
			echo IMAP_STARTTLS=NO
		fi
	} >"$etc/imapd.env"
	: >"$CO/imapd.log"
	: >"$CO/authdaemond.log"
	pkg_spawn "$CO" "$CO/etc" "$CO/run" sh -c '
		co=$1 port=$2 sport=$3 tls=$4 n=0
		/usr/lib/courier/courier-authlib/authdaemond \
		    >>"$co/authdaemond.log" 2>&1 &
		while [ ! -S /run/courier/authdaemon/socket ] &&
		    [ $n -lt 1000 ]; do
			sleep 0.01
			n=$((n + 1))
		done
		[ -S /run/courier/authdaemon/socket ] || {
			echo "authdaemond made no socket in 10 s"; exit 1; }
		serve() {
			local set=$1
			shift
			env -i /bin/sh -c "set -a; . $co/etc/courier/imapd.env;
			    $set; exec /usr/sbin/couriertcpd -address=127.0.0.1 \
			    -maxprocs=40 -maxperip=40 -nodnslookup \
			    -noidentlookup $*"
		}
		if [ "$tls" = yes ]; then
			serve IMAP_TLS=1 "$sport" /usr/bin/couriertls -server -tcpd \
			    /usr/lib/courier/courier/imaplogin \
			    /usr/bin/imapd Maildir >>"$co/imapd.log" 2>&1 &
		fi
		serve IMAP_TLS=0 "$port" /usr/lib/courier/courier/imaplogin \
		    /usr/bin/imapd Maildir >>"$co/imapd.log" 2>&1
		' sh "$CO" "$CO_PORT" "$CO_SPORT" "$tls"
	python3 "$TESTLIB/testnet.py" greeting "$CO_PORT" 20 &&
	{ [ "$tls" = no ] ||
	    python3 "$TESTLIB/testnet.py" wait "$CO_SPORT" 20; } ||
	    { echo "Bail out! Courier does not greet on 127.0.0.1:$CO_PORT" \
	        "within 20 s: $(tail -3 "$CO/imapd.log" "$CO/authdaemond.log")"
	      exit 1; }
	CO_STARTED=$tls
}

co_stop() {
	CO_STARTED=
	pkg_kill "$CO"
}

co_crash() {
	pkg_kill "$CO" STOP
	pkg_kill "$CO"
	CO_STARTED=
}

co_load() {
	local count=$1 start=${2:-1}
	shift
	[ $# -gt 0 ] && shift
	python3 "$TESTLIB/gen_notifications.py" "$CO_MAILDIR" "$count" \
	    --start "$start" --owner "$CO_UID:$CO_GID" "$@"
}

co_ctl() {
	local file="$CO/.pw"
	[ -f "$file" ] || secret_file "$file" "$CO_PASS"
	if [ "$CO_STARTED" = yes ]; then
		set -- --tls starttls --ca "$CO_CA" "$@"
	fi
	python3 "$TESTLIB/imapctl.py" --port "$CO_PORT" --user "$CO_USER" \
	    --password-file "$file" "$@"
}
