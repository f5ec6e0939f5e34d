#!/bin/sh
# Cyrus IMAP and Courier-IMAP for the IMAP tests, from Debian's packages,
# unpacked (never installed: they conflict with Dovecot) into a cache:
#
#   fetch-servers.sh [DIR]
#
# DIR (default $AC_SERVER_CACHE, else /var/cache/abuse-collector-tests)
# gets root/, the packages' files, and root/.packages, one "name version"
# a line.  The servers' library packages that are not installed come
# along (apt-cache depends, recursively).  A complete root/ is reused;
# concurrent calls wait for each other.  Prints DIR/root; exits 1 with
# the reason on standard error when the packages cannot be had.
set -u
dir=${1:-${AC_SERVER_CACHE:-/var/cache/abuse-collector-tests}}
# The servers, their own helper packages (authdaemon, userdb, SASL's
# tools, gamin's server, which Courier's imapd starts to watch a folder),
# libeatmydata (the servers' fsync calls cost the tests minutes
# and protect nothing they test) and the libraries they use that a
# machine with Dovecot lacks.
want="cyrus-imapd cyrus-common sasl2-bin courier-imap courier-base
courier-authlib courier-authdaemon courier-authlib-userdb gamin libeatmydata1"

die() {
	echo "fetch-servers: $*" >&2
	exit 1
}

for p in apt-get apt-cache dpkg-deb dpkg-query flock; do
	command -v "$p" >/dev/null 2>&1 || die "$p is missing"
done
mkdir -p "$dir" 2>/dev/null || die "cannot create $dir"
exec 9>"$dir/.lock" || die "cannot write $dir/.lock"
flock -w 600 9 || die "$dir/.lock is held for 10 minutes"

# A complete root/ has every package asked for.
complete() {
	local p
	[ -f "$dir/root/.packages" ] || return 1
	for p in $want; do
		grep -q "^$p " "$dir/root/.packages" || return 1
	done
}
if complete; then
	echo "$dir/root"
	exit 0
fi

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

# The library packages that $@ depend on and that are not installed.
libdeps() {
	apt-cache depends --no-recommends --no-suggests --no-conflicts \
	    --no-breaks --no-replaces --no-enhances "$@" 2>/dev/null |
	    sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: \(lib[^<> ]*\)$/\2/p' |
	    sed 's/:any$//' | sort -u
}

all=$want
todo=$want
while [ -n "$todo" ]; do
	next=
	for p in $(libdeps $todo); do
		case " $(echo $all) " in *" $p "*) continue ;; esac
		installed "$p" && continue
		all="$all $p"
		next="$next $p"
	done
	todo=$next
done

tmp=$(mktemp -d "$dir/.new.XXXXXX") || die "cannot write in $dir"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/debs" "$tmp/root"
# apt's download user cannot write to a root-only directory.
chmod 755 "$tmp" "$tmp/debs"
(cd "$tmp/debs" && apt-get download $all) >"$tmp/apt.log" 2>&1 ||
    die "apt-get download failed: $(grep -v '^W:' "$tmp/apt.log" | tail -3)"
for deb in "$tmp"/debs/*.deb; do
	dpkg-deb -x "$deb" "$tmp/root" || die "dpkg-deb -x $deb failed"
	dpkg-deb -f "$deb" Package Version | awk '
	    /^Package:/ { p = $2 } /^Version:/ { print p, $2 }'
done >"$tmp/root/.packages" || die "cannot write the package list"
rm -rf "$dir/root"
mv "$tmp/root" "$dir/root" || die "cannot move the packages into $dir/root"
echo "$dir/root"
