# Shared by the shell tests: TAP output, a private temporary directory
# removed on exit, and the paths of the build.
#
#   . "$srcdir/tests/lib/lib.sh"
#   ok "what" test -f x
#   is "what" "$got" "$want"
#   done_testing

set -u
: "${top_srcdir:=${srcdir:-.}}"
: "${top_builddir:=.}"
AC="${AC:-$top_builddir/abuse-collector}"
case $AC in /*) ;; *) AC="$PWD/$AC" ;; esac
case $top_srcdir in /*) ;; *) top_srcdir="$PWD/$top_srcdir" ;; esac
export LC_ALL=C.UTF-8 TZ=UTC

tap_n=0
tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/ac-test.XXXXXX")
_cleanups=""
# Register a command to run at exit (servers to stop), last first.
at_exit() { _cleanups="$1; $_cleanups"; }
trap 'eval "$_cleanups"; rm -rf "$T"' EXIT

ok() {
	local what=$1; shift
	tap_n=$((tap_n + 1))
	if "$@" >"$T/.out" 2>&1; then
		echo "ok $tap_n - $what"
	else
		echo "not ok $tap_n - $what"
		sed 's/^/#   /' "$T/.out" | head -20
		tap_failed=$((tap_failed + 1))
	fi
}

is() {
	local what=$1 got=$2 want=$3
	tap_n=$((tap_n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $tap_n - $what"
	else
		echo "not ok $tap_n - $what"
		printf '#   got:  %s\n#   want: %s\n' "$got" "$want" | head -40
		tap_failed=$((tap_failed + 1))
	fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# A Maildir at $1.
mkmaildir() { mkdir -p "$1/cur" "$1/new" "$1/tmp"; }

# A file $1 holding the line $2 that only its owner may read (passwords,
# tokens, webhook secrets).
secret_file() {
	printf '%s\n' "$2" >"$1"
	chmod 600 "$1"
}

# File $2 has a line matching the basic regular expression $1; when it
# has not, the file is shown (for the test's diagnostics).
has_line() {
	grep -q "$1" "$2" && return 0
	cat "$2"
	return 1
}

# A TCP port free on 127.0.0.1 (nothing listens there).
free_port() { python3 "$top_srcdir/tests/lib/testnet.py" freeport; }
