# A real Dovecot for the IMAP tests: a private instance on 127.0.0.1 with
# its own configuration, users, certificate authority and Maildirs under
# $T/dc, started as root and stopped when the test exits.  Sourced after
# lib.sh:
#
#   dc_require                      skip the test unless it can run
#   dc_start [ssl=yes|no] [cert=good|expired|wrongname|untrusted]
#            [auth=password|oauth2] [oauth_port=N] [caps="IMAP4rev1 ..."]
#            [conf=FILE]            (re)start; the ports stay the same;
#                                   FILE is added to the configuration
#   dc_load COUNT [START] [gen_notifications.py options]
#                                   add generated notifications to INBOX
#   dc_source NAME [key=value...]   print a [source NAME] section for it
#   dc_doveadm ARGS...              doveadm against this instance
#   dc_imap_pids                    the pids of its imap processes
#   dc_leash PID [N]                stop the server once collector PID
#                                   has stored more than N messages
#   dc_crash IMAP                   kill the whole server, the session of
#                                   imap process IMAP last
#   dc_stop
#
# Variables: DC (its directory), DC_PORT (IMAP, STARTTLS when ssl=yes),
# DC_SPORT (IMAPS), DC_USER, DC_PASS, DC_MAILDIR, DC_CA (the CA that
# signed the good certificate), PKI (all certificates).

DC="$T/dc"
# Dovecot runs in its own session: a test stopped by a signal must still
# stop it, so signals go through the exit trap.
trap 'exit 143' TERM
trap 'exit 130' INT
PKI="$T/pki"
DC_USER=abuse
# A space and a quote, so that the login has to quote it right.
DC_PASS='c0rrect h"rse'
DC_MAILDIR="$DC/home/$DC_USER/Maildir"
DC_CA="$PKI/ca.pem"
DC_UID=65534
DC_GID=65534
TESTLIB="$top_srcdir/tests/lib"

dc_require() {
	local p
	for p in dovecot doveadm certtool python3 sqlite3; do
		command -v "$p" >/dev/null 2>&1 ||
		    PATH="$PATH:/usr/sbin" command -v "$p" >/dev/null 2>&1 ||
		    skip_all "$p is not installed (Debian: dovecot-imapd," \
		        "gnutls-bin, python3, sqlite3)"
	done
	PATH="$PATH:/usr/sbin"
	[ "$(id -u)" = 0 ] ||
	    skip_all "Dovecot is started as root, with its own users"
	getent passwd dovecot >/dev/null && getent passwd dovenull >/dev/null ||
	    skip_all "the dovecot and dovenull users are missing"
	# The mail user (not root) must reach its home under $T.
	chmod 711 "$T"
	mkdir -p "$DC" && chmod 755 "$DC"
	DC_PORT=$(free_port)
	DC_SPORT=$(free_port)
	while [ "$DC_SPORT" = "$DC_PORT" ]; do
		DC_SPORT=$(free_port)
	done
	dc_pki
	at_exit dc_stop
}

# One certificate: $1 name, $2 signing CA (or "self"), then template lines.
_dc_cert() {
	local name=$1 ca=$2; shift 2
	printf '%s\n' "$@" >"$PKI/$name.tmpl"
	certtool --generate-privkey --key-type=ecdsa \
	    --outfile "$PKI/$name.key" >/dev/null 2>&1 || return 1
	if [ "$ca" = self ]; then
		certtool --generate-self-signed --load-privkey "$PKI/$name.key" \
		    --template "$PKI/$name.tmpl" --outfile "$PKI/$name.pem" \
		    >/dev/null 2>&1
	else
		certtool --generate-certificate --load-privkey "$PKI/$name.key" \
		    --load-ca-certificate "$PKI/$ca.pem" \
		    --load-ca-privkey "$PKI/$ca.key" \
		    --template "$PKI/$name.tmpl" --outfile "$PKI/$name.pem" \
		    >/dev/null 2>&1
	fi
}

# The test's CA, a second CA nobody trusts, and server certificates:
# good (localhost and 127.0.0.1), expired, wrongname (another host) and
# untrusted (signed by the second CA).
dc_pki() {
	mkdir -p "$PKI"
	_dc_cert ca self 'cn = "abuse-collector test CA"' ca \
	    cert_signing_key 'expiration_days = 30' &&
	_dc_cert otherca self 'cn = "Some Other CA"' ca cert_signing_key \
	    'expiration_days = 30' &&
	_dc_cert good ca 'cn = "localhost"' 'dns_name = "localhost"' \
	    'ip_address = "127.0.0.1"' tls_www_server signing_key \
	    encryption_key 'expiration_days = 30' &&
	_dc_cert expired ca 'cn = "localhost"' 'dns_name = "localhost"' \
	    'ip_address = "127.0.0.1"' tls_www_server signing_key \
	    encryption_key \
	    'activation_date = "2020-01-01 00:00:00 UTC"' \
	    'expiration_date = "2020-02-01 00:00:00 UTC"' &&
	_dc_cert wrongname ca 'cn = "mail.example.test"' \
	    'dns_name = "mail.example.test"' tls_www_server signing_key \
	    encryption_key 'expiration_days = 30' &&
	_dc_cert untrusted otherca 'cn = "localhost"' \
	    'dns_name = "localhost"' 'ip_address = "127.0.0.1"' \
	    tls_www_server signing_key encryption_key 'expiration_days = 30' ||
	    { echo "Bail out! certtool failed"; exit 1; }
}

dc_start() {
	local ssl=yes cert=good auth=password oauth_port= caps= conf= kv
	local before probes n
	for kv; do
		case $kv in
		ssl=*) ssl=${kv#ssl=} ;;
		cert=*) cert=${kv#cert=} ;;
		auth=*) auth=${kv#auth=} ;;
		oauth_port=*) oauth_port=${kv#oauth_port=} ;;
		caps=*) caps=${kv#caps=} ;;
		conf=*) conf=${kv#conf=} ;;
		*) echo "Bail out! dc_start: unknown option $kv"; exit 1 ;;
		esac
	done
	dc_stop
	mkdir -p "$DC/run" "$DC/state" "$DC_MAILDIR/new" "$DC_MAILDIR/cur" \
	    "$DC_MAILDIR/tmp"
	chown -R "$DC_UID:$DC_GID" "$DC/home"
	chmod 755 "$DC/home"
	printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$DC_USER" "$DC_PASS" "$DC_UID" \
	    "$DC_GID" "$DC/home/$DC_USER" >"$DC/users"
	chmod 644 "$DC/users"
	{
		cat <<-EOF
		base_dir = $DC/run
		state_dir = $DC/state
		instance_name = ac-test-$$
		log_path = $DC/dovecot.log
		protocols = imap
		listen = 127.0.0.1
		ssl_dh = </usr/share/dovecot/dh.pem
		disable_plaintext_auth = no
		default_internal_user = dovecot
		default_login_user = dovenull
		first_valid_uid = 1
		mail_location = maildir:~/Maildir
		mailbox_list_index = no
		auth_failure_delay = 0
		login_trusted_networks =
		imap_hibernate_timeout = 0
		# No growing delay after failed logins: the tests fail some.
		service anvil {
		  unix_listener anvil-auth-penalty {
		    mode = 0
		  }
		}
		service imap-login {
		  inet_listener imap {
		    address = 127.0.0.1
		    port = $DC_PORT
		  }
		}
		userdb {
		  driver = passwd-file
		  args = $DC/users
		}
		EOF
		if [ "$ssl" = yes ]; then
			printf 'ssl = yes\nssl_cert = <%s\nssl_key = <%s\n' \
			    "$PKI/$cert.pem" "$PKI/$cert.key"
			cat <<-EOF
			service imap-login {
			  inet_listener imaps {
			    address = 127.0.0.1
			    port = $DC_SPORT
			    ssl = yes
			  }
			}
			EOF
		else
			printf 'ssl = no\n'
		fi
		# What the server offers once logged in (to hide MOVE or
		# UIDPLUS, say).
		[ -z "$caps" ] || printf 'imap_capability = %s\n' "$caps"
		if [ "$auth" = oauth2 ]; then
			cat <<-EOF
			auth_mechanisms = plain login xoauth2 oauthbearer
			passdb {
			  driver = oauth2
			  mechanisms = xoauth2 oauthbearer
			  args = $DC/oauth2.conf
			}
			EOF
			cat >"$DC/oauth2.conf" <<-EOF
			introspection_mode = post
			introspection_url = http://127.0.0.1:$oauth_port/introspect
			username_attribute = username
			active_attribute = active
			active_value = true
			EOF
		fi
		cat <<-EOF
		passdb {
		  driver = passwd-file
		  args = scheme=PLAIN $DC/users
		}
		EOF
		[ -z "$conf" ] || cat "$conf"
	} >"$DC/dovecot.conf"
	if ! dovecot -c "$DC/dovecot.conf" 2>"$DC/start.err"; then
		echo "Bail out! dovecot did not start: $(cat "$DC/start.err")"
		exit 1
	fi
	before=$(_dc_disconnects)
	probes=1
	# Dovecot greets once its login processes can reach auth: a
	# connection before that is logged as "disconnected before auth
	# was ready", whatever the client did.
	python3 "$TESTLIB/testnet.py" greeting "$DC_PORT" 10 &&
	{ [ "$ssl" = no ] || { probes=2 &&
	    python3 "$TESTLIB/testnet.py" wait "$DC_SPORT" 10; }; } ||
	    { echo "Bail out! dovecot is not listening"; exit 1; }
	# Each probe is logged as a disconnection a moment later; once those
	# lines are in, a test that empties the log sees only its own
	# connections.
	n=0
	while [ "$(_dc_disconnects)" -lt $((before + probes)) ] &&
	    [ $n -lt 250 ]; do
		sleep 0.02
		n=$((n + 1))
	done
}

_dc_disconnects() {
	local c
	c=$(grep -c "Disconnected" "$DC/dovecot.log" 2>/dev/null)
	echo "${c:-0}"
}

# A process that has not exited (a zombie has: its sockets are closed).
_dc_alive() {
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	''|Z*) return 1 ;;
	esac
	return 0
}

dc_stop() {
	local pid kids n=0
	[ -f "$DC/run/master.pid" ] || return 0
	pid=$(cat "$DC/run/master.pid")
	kids=$(_dc_kids "$pid")
	# Dovecot takes seconds over a clean shutdown; the tests do not need
	# one, so its processes are killed, by pid, once the log has had a
	# moment to catch up.
	kill "$pid" 2>/dev/null
	while _dc_alive "$pid" && [ $n -lt 5 ]; do
		sleep 0.02
		n=$((n + 1))
	done
	_dc_kill "$pid" $kids
	rm -f "$DC/run/master.pid"
}

dc_doveadm() {
	doveadm -c "$DC/dovecot.conf" "$@"
}

# The child processes of $1, named $2 when given.
_dc_kids() {
	ps -e -o pid=,ppid=,comm= | awk -v m="$1" -v c="${2:-}" \
	    '$2 == m && (c == "" || $3 == c) { print $1 }'
}

# The imap processes (one per logged-in session) of this instance.
dc_imap_pids() {
	[ -f "$DC/run/master.pid" ] || return 0
	_dc_kids "$(cat "$DC/run/master.pid")" imap
}

# Hold the imap session of collector $1 on a leash: let it run in 10 ms
# slices until the collector has committed a batch (the store holds more
# than $2 messages, default 0), then leave it stopped (SIGSTOP) and print
# its pid.  Prints nothing when the collector ended first.
dc_leash() {
	local pid=$1 base=${2:-0} imap=
	while [ -z "$imap" ] && kill -0 "$pid" 2>/dev/null; do
		imap=$(dc_imap_pids)
	done
	[ -n "$imap" ] || return 0
	kill -STOP $imap
	while [ "$(dbq 'SELECT count(*) FROM messages' 2>/dev/null)" -le \
	    "$base" ] && kill -0 "$pid" 2>/dev/null; do
		kill -CONT $imap
		sleep 0.01
		kill -STOP $imap
	done
	echo $imap
}

# The server dies while the collector is connected.  Its processes are
# stopped first, so that none starts or ends anything on its own.  Then
# every process but those that hold the session is killed (the master
# and each login process hold the listening socket), and once they are
# gone, the login process that holds the TLS side of the session, then
# the imap process $1.  That login process holds the listening socket at
# a lower descriptor than the connection and the kernel closes them in
# that order, so the port refuses connections before the collector sees
# its session end: it cannot reach a server that is still dying.
dc_crash() {
	local imap=$1 master kids holders others
	master=$(cat "$DC/run/master.pid")
	kill -STOP "$master"
	kids=$(_dc_kids "$master")
	[ -z "$kids" ] || kill -STOP $kids
	holders=$(python3 "$TESTLIB/testnet.py" holders "$DC_SPORT")
	echo "# the session's TLS side: process" $holders
	others="$master $(for p in $kids; do
		case " $imap $holders " in *[!0-9]"$p"[!0-9]*) ;; *) echo "$p" ;;
		esac
	done)"
	_dc_kill $others
	_dc_kill $holders
	_dc_kill $imap
	rm -f "$DC/run/master.pid"
}

# kill -9, and wait (5 s at most) until each is gone.
_dc_kill() {
	local p n
	[ $# -gt 0 ] || return 0
	kill -9 "$@" 2>/dev/null
	for p; do
		n=0
		while _dc_alive "$p" && [ $n -lt 250 ]; do
			sleep 0.02
			n=$((n + 1))
		done
	done
}

dc_load() {
	local count=$1 start=${2:-1}
	shift
	[ $# -gt 0 ] && shift
	python3 "$TESTLIB/gen_notifications.py" "$DC_MAILDIR" "$count" \
	    --start "$start" --owner "$DC_UID:$DC_GID" "$@"
}

# A [source NAME] section for this instance: implicit TLS, the test CA,
# the password in $T/pass.  key=value arguments replace or add keys.
dc_source() {
	local name=$1 key kv found
	shift
	[ -f "$T/pass" ] || secret_file "$T/pass" "$DC_PASS"
	printf '[source %s]\n' "$name"
	for key in type=imap host=127.0.0.1 "port=$DC_SPORT" tls=implicit \
	    "ca_file=$DC_CA" "user=$DC_USER" "password_file=$T/pass"; do
		found=
		for kv; do
			[ "${kv%%=*}" = "${key%%=*}" ] && found=1
		done
		[ -n "$found" ] || printf '%s = %s\n' "${key%%=*}" "${key#*=}"
	done
	for kv; do
		case $kv in
		*=) ;;		# key= removes a default
		*) printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" ;;
		esac
	done
	printf '\n'
}

# Run an SQL query on the test store.
dbq() {
	sqlite3 "$T/abuse.db" "$1"
}
