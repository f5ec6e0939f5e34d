# One interface over the three real IMAP servers of the tests, Dovecot
# (installed), Cyrus and Courier (Debian's packages unpacked by
# fetch-servers.sh), so that one test can run against each:
#
#   for kind in dovecot cyrus courier; do
#           srv_available $kind || { skip_kind $kind "$SRV_WHY"; continue; }
#           srv_start $kind
#           srv_load 10
#           srv_source box after=keep >>"$T/ac.ini"
#           ...
#   done
#
# Sourced after lib.sh.  One server runs at a time; srv_start stops the
# one before.
#
#   srv_available KIND      0 if KIND can run here, else 1 with the
#                           reason in SRV_WHY
#   srv_require KIND        skip the whole test unless KIND can run
#   srv_start KIND [tls=yes|no]
#                           (re)start it; with tls=yes (the default) it
#                           offers STARTTLS on SRV_PORT and implicit TLS
#                           on SRV_SPORT, with a certificate of the
#                           test CA SRV_CA for 127.0.0.1
#   srv_stop
#   srv_crash               kill -9 of the whole server
#   srv_version             its name and version, for the test's log
#   srv_folder NAME         a folder's name on this server (Courier
#                           keeps every folder below INBOX: INBOX.NAME)
#   srv_source NAME [key=value...]
#                           a [source NAME] section for the server (like
#                           dc_source): implicit TLS, the test CA, the
#                           user and $T/pass; key= removes a default
#   srv_load COUNT [START] [gen_notifications.py options]
#                           new mail in INBOX as a mail server delivers
#                           it (into the Maildir for Dovecot and Courier,
#                           APPEND for Cyrus)
#   srv_append FOLDER FILE...
#   srv_ctl ARGS...         imapctl.py as the test user (see there)
#   srv_count FOLDER [KEY...]
#                           messages in FOLDER (matching search keys)
#   srv_uids FOLDER [KEY...]
#                           their UIDs, one a line, ascending
#   srv_create FOLDER       (an existing one is fine)
#   srv_delete FOLDER       (a missing one is fine)
#   srv_expunge FOLDER [UIDS]
#                           remove all messages, or a UID set
#   srv_uidvalidity FOLDER
#   srv_new_uidvalidity FOLDER
#                           give FOLDER a new UIDVALIDITY and keep its
#                           messages: Dovecot: doveadm mailbox update;
#                           Courier: its UID list (courierimapuiddb)
#                           removed; Cyrus: the folder copied, deleted
#                           and renamed back (not for INBOX)
#   srv_acl FOLDER WHO RIGHTS
#                           set an access right entry (RFC 4314; Cyrus
#                           and Courier; 1 with SRV_WHY on Dovecot,
#                           which runs without its ACL plugin).  The
#                           user's own entry is WHO=$SRV_USER on Cyrus
#                           (which refuses to take its right a) and
#                           WHO=owner on Courier
#   srv_files FOLDER        how many message files the server keeps for
#                           FOLDER on disk; works while the server is
#                           stopped (on Cyrus once it was called with
#                           the server running): a copy or move into
#                           FOLDER that has begun has added some
#   srv_procs               every process of the server
#   srv_leash PID [N]       like dc_leash, for any of the three: hold the
#                           whole server still and let it run in 10 ms
#                           slices until the store of collector PID
#                           holds more than N messages (or the collector
#                           ended), then leave it stopped (SIGSTOP) and
#                           print its pids
#
# Variables: SRV (the kind running), SRV_PORT, SRV_SPORT, SRV_USER,
# SRV_PASS, SRV_CA.

. "$top_srcdir/tests/lib/dovecot.sh"
. "$top_srcdir/tests/lib/cyrus.sh"
. "$top_srcdir/tests/lib/courier.sh"

SRV=
SRV_WHY=
SRV_DC_READY=

srv_available() {
	case $1 in
	dovecot)
		# dc_require skips the whole test; its checks, without that.
		local p
		SRV_WHY=
		for p in dovecot doveadm certtool python3 sqlite3; do
			command -v "$p" >/dev/null 2>&1 ||
			    PATH="$PATH:/usr/sbin" command -v "$p" \
			    >/dev/null 2>&1 || SRV_WHY="$p is not installed"
		done
		[ "$(id -u)" = 0 ] ||
		    SRV_WHY="Dovecot is started as root, with its own users"
		getent passwd dovecot >/dev/null &&
		    getent passwd dovenull >/dev/null ||
		    SRV_WHY="the dovecot and dovenull users are missing"
		[ -z "$SRV_WHY" ] || return 1
		if [ -z "$SRV_DC_READY" ]; then
			dc_require
			SRV_DC_READY=1
		fi
		;;
	cyrus)
		cy_available || { SRV_WHY=$PKG_WHY; return 1; } ;;
	courier)
		co_available || { SRV_WHY=$PKG_WHY; return 1; } ;;
	*)
		echo "Bail out! unknown IMAP server $1"; exit 1 ;;
	esac
	return 0
}

srv_require() {
	srv_available "$1" || skip_all "$1: $SRV_WHY"
}

srv_start() {
	local kind=$1 tls=yes kv
	shift
	for kv; do
		case $kv in
		tls=*) tls=${kv#tls=} ;;
		*) echo "Bail out! srv_start: unknown option $kv"; exit 1 ;;
		esac
	done
	[ -z "$SRV" ] || [ "$SRV" = "$kind" ] || srv_stop
	srv_available "$kind" ||
	    { echo "Bail out! $kind cannot run: $SRV_WHY"; exit 1; }
	SRV=$kind
	SRV_CA="$PKI/ca.pem"
	case $kind in
	dovecot)
		dc_start ssl="$tls"
		SRV_PORT=$DC_PORT SRV_SPORT=$DC_SPORT
		SRV_USER=$DC_USER SRV_PASS=$DC_PASS ;;
	cyrus)
		cy_start tls="$tls"
		SRV_PORT=$CY_PORT SRV_SPORT=$CY_SPORT
		SRV_USER=$CY_USER SRV_PASS=$CY_PASS ;;
	courier)
		co_start tls="$tls"
		SRV_PORT=$CO_PORT SRV_SPORT=$CO_SPORT
		SRV_USER=$CO_USER SRV_PASS=$CO_PASS ;;
	esac
	SRV_TLS=$tls
	[ -f "$T/pass" ] || secret_file "$T/pass" "$SRV_PASS"
}

srv_stop() {
	case $SRV in
	dovecot) dc_stop ;;
	cyrus) cy_stop ;;
	courier) co_stop ;;
	esac
}

srv_crash() {
	local pids
	case $SRV in
	dovecot)
		pids=$(dc_imap_pids)
		dc_crash "$pids" ;;
	cyrus) cy_crash ;;
	courier) co_crash ;;
	esac
}

srv_version() {
	case $SRV in
	dovecot) echo "Dovecot $(dovecot --version | cut -d' ' -f1)" ;;
	cyrus) echo "Cyrus IMAP $(cy_version)" ;;
	courier) echo "Courier-IMAP $(co_version)" ;;
	esac
}

srv_folder() {
	case $SRV:$1 in
	courier:INBOX|courier:INBOX.*) echo "$1" ;;
	courier:*) echo "INBOX.$1" ;;
	*) echo "$1" ;;
	esac
}

srv_source() {
	local name=$1 key kv found
	shift
	printf '[source %s]\n' "$name"
	for key in type=imap host=127.0.0.1 "port=$SRV_SPORT" tls=implicit \
	    "ca_file=$SRV_CA" "user=$SRV_USER" "password_file=$T/pass"; do
		found=
		for kv; do
			[ "${kv%%=*}" = "${key%%=*}" ] && found=1
		done
		[ -n "$found" ] || printf '%s = %s\n' "${key%%=*}" "${key#*=}"
	done
	for kv; do
		case $kv in
		*=) ;;
		*) printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" ;;
		esac
	done
	printf '\n'
}

srv_ctl() {
	if [ "$SRV_TLS" = yes ]; then
		set -- --tls starttls --ca "$SRV_CA" "$@"
	fi
	python3 "$TESTLIB/imapctl.py" --port "$SRV_PORT" --user "$SRV_USER" \
	    --password-file "$T/pass" "$@"
}

srv_load() {
	case $SRV in
	dovecot) dc_load "$@" ;;
	courier) co_load "$@" ;;
	cyrus)
		local count=$1 start=${2:-1}
		shift
		[ $# -gt 0 ] && shift
		srv_ctl load INBOX "$count" --start "$start" "$@" ;;
	esac
}

srv_append() { srv_ctl append "$@"; }
srv_count() { srv_ctl count "$@"; }
srv_uids() { srv_ctl uids "$@"; }
srv_create() { srv_ctl create "$@"; }
srv_delete() { srv_ctl delete "$@"; }
srv_expunge() { srv_ctl expunge "$@"; }
srv_uidvalidity() { srv_ctl uidvalidity "$1"; }

srv_new_uidvalidity() {
	local folder=$1 old new dir n=0
	old=$(srv_uidvalidity "$folder") || return 1
	case $SRV in
	dovecot)
		dc_doveadm mailbox update -u "$DC_USER" \
		    --uid-validity $((old + 1)) "$folder" || return 1 ;;
	cyrus)
		[ "$folder" != INBOX ] || {
			echo "Cyrus: INBOX cannot get a new UIDVALIDITY"
			return 1; }
		srv_ctl renew "$folder" >/dev/null || return 1 ;;
	courier)
		dir=$CO_MAILDIR
		[ "$folder" = INBOX ] || dir="$CO_MAILDIR/${folder#INBOX}"
		# Courier takes the UIDVALIDITY from the clock: a list made
		# again in the same second has the old one.
		n=$(($(date +%s) + 3))
		while :; do
			rm -f "$dir/courierimapuiddb"
			new=$(srv_ctl select "$folder") || return 1
			[ "$new" = "$old" ] || break
			[ "$(date +%s)" -lt $n ] || {
				echo "Courier: UIDVALIDITY of $folder stays $old"
				return 1; }
			sleep 0.05
		done ;;
	esac
	new=$(srv_uidvalidity "$folder") || return 1
	[ "$new" != "$old" ] || {
		echo "$SRV: UIDVALIDITY of $folder stays $old"; return 1; }
}

srv_acl() {
	case $SRV in
	dovecot)
		SRV_WHY="Dovecot runs without its ACL plugin"
		return 1 ;;
	esac
	srv_ctl setacl "$@"
}

srv_files() {
	local dir id
	case $SRV in
	dovecot|courier)
		dir=$DC_MAILDIR
		[ "$SRV" = dovecot ] || dir=$CO_MAILDIR
		case $1 in
		INBOX) ;;
		INBOX.*) dir="$dir/${1#INBOX}" ;;
		*) dir="$dir/.$1" ;;
		esac
		find "$dir/new" "$dir/cur" -type f | wc -l ;;
	cyrus)
		# Asked while the server runs, kept for when it is stopped.
		dir="$CY/.mailboxid.$(printf '%s' "$1" | tr -c 'A-Za-z0-9' _)"
		[ -s "$dir" ] || srv_ctl mailboxid "$1" >"$dir" || return 1
		id=$(cat "$dir")
		dir=$(echo "$id" | sed 's|^\(.\)\(.\).*|\1/\2|')
		find "$CY/spool/uuid/$dir/$id" -name '[0-9]*.' | wc -l ;;
	esac
}

# Every process of the running server.
srv_procs() {
	case $SRV in
	dovecot)
		[ -f "$DC/run/master.pid" ] || return 0
		cat "$DC/run/master.pid"
		_dc_kids "$(cat "$DC/run/master.pid")" ;;
	cyrus) pkg_procs "$CY" ;;
	courier) pkg_procs "$CO" ;;
	esac
}

srv_leash() {
	local pid=$1 base=${2:-0} held n c
	held=$(srv_procs)
	kill -STOP $held 2>/dev/null
	while _dc_alive "$pid"; do
		# The collector goes on while the server is held: a commit it
		# makes then comes before anything it asks of the server next.
		# It is given a few tens of milliseconds for that.
		n=0
		while [ $n -lt 20 ]; do
			# A store being opened or written may be locked: no
			# answer means no commit seen yet.
			c=$(dbq 'SELECT count(*) FROM messages' 2>/dev/null)
			if [ -n "$c" ] && [ "$c" -gt "$base" ]; then
				echo $held
				return 0
			fi
			n=$((n + 1))
		done
		kill -CONT $held 2>/dev/null
		sleep 0.01
		kill -STOP $held 2>/dev/null
		# A session started in the slice has processes of its own.
		held=$(srv_procs)
		kill -STOP $held 2>/dev/null
	done
	echo $held
}
