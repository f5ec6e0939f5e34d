# Servers that run from Debian packages unpacked by fetch-servers.sh
# rather than installed (Cyrus and Courier conflict with Dovecot).  Each
# instance runs in a mount namespace of its own in which the unpacked
# files lie over /usr and /etc (read-only overlays, so the paths compiled
# into the programs hold) and /run is a directory of the test; all of its
# processes are found, and killed, by that namespace.  Their fsync calls
# do nothing (libeatmydata): a killed server loses nothing by that, only
# a machine that loses power would.  Sourced by
# cyrus.sh and courier.sh:
#
#   pkg_available          0 if the packages can run here, else 1 with
#                          the reason in PKG_WHY; sets PKG_ROOT
#   pkg_spawn DIR ETC RUN CMD...
#                          start CMD in the background in a new namespace
#                          with ETC over /etc and RUN as /run; its pid
#                          goes to DIR/pid, the namespace to DIR/ns
#   pkg_procs DIR          the processes of that instance
#   pkg_kill DIR [SIG]     signal them all (default KILL), and with KILL
#                          wait (5 s at most) until they are gone and
#                          forget the namespace (the kernel may give
#                          its number to another)
#
# The cache is $AC_SERVER_CACHE, else /var/cache/abuse-collector-tests.

PKG_ROOT=
PKG_WHY=

pkg_available() {
	local out
	[ -z "$PKG_ROOT" ] || return 0
	[ -z "$PKG_WHY" ] || return 1
	if [ "$(id -u)" != 0 ]; then
		PKG_WHY="the servers are started as root in a mount namespace"
	elif ! command -v unshare >/dev/null 2>&1; then
		PKG_WHY="unshare (util-linux) is missing"
	elif ! unshare -m true 2>/dev/null; then
		PKG_WHY="cannot make a mount namespace here (unshare -m)"
	elif ! out=$(sh "$top_srcdir/tests/lib/fetch-servers.sh" 2>&1); then
		PKG_WHY=$(printf '%s' "$out" | tail -1)
	elif ! unshare -m sh -c 'mount -t overlay ac-usr \
	    -o "lowerdir=$1/usr:/usr" /usr' sh "$out" 2>"$T/.overlay"; then
		PKG_WHY="cannot mount an overlay on /usr: $(cat "$T/.overlay")"
	else
		PKG_ROOT=$out
		return 0
	fi
	return 1
}

pkg_spawn() {
	local dir=$1 etc=$2 run=$3 n=0
	shift 3
	rm -f "$dir/pid" "$dir/ns"
	unshare -m sh -c '
		root=$1 etc=$2 run=$3
		shift 3
		mount -t overlay ac-usr -o "lowerdir=$root/usr:/usr" /usr &&
		mount -t overlay ac-etc -o "lowerdir=$etc:$root/etc:/etc" \
		    /etc &&
		mount --bind "$run" /run || exit 1
		eat=/usr/lib/x86_64-linux-gnu/libeatmydata.so.1
		[ ! -f $eat ] || export LD_PRELOAD=$eat
		exec "$@"' sh "$PKG_ROOT" "$etc" "$run" "$@" &
	echo $! >"$dir/pid"
	# unshare execs sh, which execs the command: the pid stays; the
	# namespace is the new one once it has changed from ours.
	while [ $n -lt 500 ]; do
		if [ "$(readlink "/proc/$!/ns/mnt" 2>/dev/null)" != \
		    "$(readlink /proc/self/ns/mnt)" ]; then
			readlink "/proc/$!/ns/mnt" | tr -dc 0-9 >"$dir/ns" &&
			    return 0
		fi
		kill -0 $! 2>/dev/null || break
		sleep 0.01
		n=$((n + 1))
	done
	echo "Bail out! $* did not start in its own mount namespace"
	exit 1
}

pkg_procs() {
	local pids p
	[ -f "$1/ns" ] || return 0
	pids=$(ps -e -o pid=,mntns= |
	    awk -v ns="$(cat "$1/ns")" '$2 == ns { print $1 }')
	# A namespace of this instance has DIR's files mounted; one with its
	# number but not those is another's.
	for p in $pids; do
		grep -qF "$1/" "/proc/$p/mountinfo" 2>/dev/null || continue
		echo "$pids"
		return 0
	done
}

pkg_kill() {
	local dir=$1 sig=${2:-KILL} pids p n
	pids=$(pkg_procs "$dir")
	if [ -z "$pids" ]; then
		[ "$sig" != KILL ] || rm -f "$dir/ns" "$dir/pid"
		return 0
	fi
	kill -"$sig" $pids 2>/dev/null
	[ "$sig" = KILL ] || return 0
	for p in $pids; do
		n=0
		while [ -e "/proc/$p" ] && [ $n -lt 250 ]; do
			case $(ps -o stat= -p "$p" 2>/dev/null) in
			''|Z*) break ;;
			esac
			sleep 0.02
			n=$((n + 1))
		done
	done
	# Reap what this shell started.  The namespace is gone, and its
	# number may be given to another: forget it.
	wait $(cat "$dir/pid" 2>/dev/null) 2>/dev/null
	rm -f "$dir/ns" "$dir/pid"
	return 0
}
