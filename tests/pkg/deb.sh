#!/bin/sh
# The Debian package, from the files of this checkout that git tracks or
# would (tracked and untracked-not-ignored, copied to a temporary
# directory, so that the checkout stays clean): it builds with
# dpkg-buildpackage, lintian finds no error in it, dpkg -i installs it,
# the demo runs as its system user through the installed program, and
# apt-get remove and purge leave what each is meant to leave.  It is
# installed and purged twice: a second install after a purge (with the
# user that purge leaves) works too.
#
# It installs and removes a system package: run it as root, on a machine
# without an abuse-collector of its own, after
#   apt-get build-dep -y ./ && apt-get install -y lintian
# in the checkout.  Not part of make check; .ci/run runs it.  Exits 77
# (skipped) when it cannot run here.  A user abuse-collector that it
# created is deleted at the end, so the machine is left as it was found.
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$top_srcdir/tests/lib/lib.sh"

skip() {
	echo "1..0 # SKIP $*"
	exit 77
}
[ "$(id -u)" -eq 0 ] || skip "not root (the test installs a package)"
for c in dpkg-buildpackage lintian apt-get runuser; do
	command -v $c >/dev/null || skip "$c missing (apt-get install -y dpkg-dev lintian)"
done
(cd "$top_srcdir" && dpkg-checkbuilddeps) >"$T/deps" 2>&1 ||
	skip "$(cat "$T/deps") (apt-get build-dep -y ./)"
if dpkg-query -W -f='${db:Status-Abbrev}' abuse-collector 2>/dev/null |
    grep -q '^[a-z][^n]'; then
	skip "the package abuse-collector is installed here: the test would purge it"
fi
for d in /etc/abuse-collector /var/lib/abuse-collector; do
	[ ! -e $d ] || skip "$d exists here: the test would remove it"
done

user_before=no
getent passwd abuse-collector >/dev/null && user_before=yes
cleanup() {
	if dpkg-query -W abuse-collector >/dev/null 2>&1; then
		dpkg --purge abuse-collector >/dev/null 2>&1
	fi
	if [ $user_before = no ] && getent passwd abuse-collector >/dev/null; then
		deluser --quiet --system abuse-collector >/dev/null 2>&1
		delgroup --quiet --system abuse-collector >/dev/null 2>&1
	fi
	# Neither existed before (see above): what a failed purge left.
	rm -rf /etc/abuse-collector /var/lib/abuse-collector
}
at_exit cleanup
# The demo's directory must be reachable by the user.
chmod 0711 "$T"

# What exists where a package puts things, before it is installed and
# after it is purged.  The user stays after a purge (see the postrm), and
# with it the backups of the account files that adding it wrote.
snapshot() {
	find /etc /var/lib /usr/bin /usr/sbin /usr/share/man \
	    /usr/share/doc /lib/systemd /usr/lib/systemd -xdev \
	    \( -path /var/lib/dpkg -o -path /var/lib/apt -o \
	    -path /var/lib/ucf/cache \) -prune -o -print 2>/dev/null |
	    grep -Evx '/etc/(passwd|group|shadow|gshadow)-' |
	    LC_ALL=C sort
}
snapshot >"$T/before"

# The source: what git has or would have, else the whole tree.
mkdir "$T/src" "$T/src/abuse-collector"
if git -C "$top_srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$top_srcdir" && git ls-files -z --cached --others --exclude-standard |
	    tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
	    tar -xf - -C "$T/src/abuse-collector"
else
	(cd "$top_srcdir" && tar -cf - .) | tar -xf - -C "$T/src/abuse-collector"
fi
(cd "$T/src/abuse-collector" && dpkg-buildpackage -us -uc -b) \
    >"$T/build.log" 2>&1
st=$?
is "dpkg-buildpackage -us -uc -b builds the package" "$st" 0
[ $st -eq 0 ] || { tail -40 "$T/build.log" | sed 's/^/#   /'; done_testing; exit 1; }
grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR):' "$T/build.log" | sed 's/^# /#   unit tests: /'
deb=$(ls "$T"/src/abuse-collector_*.deb)
changes=$(ls "$T"/src/abuse-collector_*.changes)

lintian --fail-on error --info --pedantic --show-overrides "$changes" >"$T/lintian" 2>&1
st=$?
sed -e '/^running with root privileges/d' -e 's/^/#   lintian: /' "$T/lintian"
is "lintian reports no errors" "$st" 0

D=/etc/abuse-collector
V=/var/lib/abuse-collector
conffiles="$D/abuse-collector.ini $D/customers-domains.csv
$D/customers-networks.csv $D/customers-users.csv
$D/http-lock.conf.example $D/postfix-sasl-lock.conf.example"

# The command the service runs before its run, as systemd runs it
# ($$ is a dollar sign in a unit file).
exec_condition() {
	sed -n "s/^ExecCondition=\/bin\/sh -c '\\(.*\\)' \\([^ ]*\\)\$/\\1/p" \
	    /lib/systemd/system/abuse-collector.service | sed 's/\$\$/$/g' \
	    >"$T/cond"
	sh -c "$(cat "$T/cond")" "$1"
}

installed() {
	round=$1
	ok "round $round: dpkg -i installs it" dpkg -i "$deb"
	is "round $round: it is installed" \
	    "$(dpkg-query -W -f='${db:Status-Abbrev}' abuse-collector)" "ii "
	/usr/bin/abuse-collector --help >"$T/help" 2>&1
	ok "round $round: the program runs, with the system's paths" \
	    grep -qF "(default $D/abuse-collector.ini)" "$T/help"
	ok "round $round: its manual pages are installed" \
	    test -f /usr/share/man/man1/abuse-collector.1.gz -a \
	    -f /usr/share/man/man5/abuse-collector.ini.5.gz
	is "round $round: the configuration and the tables are its conffiles" \
	    "$(dpkg-query -W -f='${Conffiles}\n' abuse-collector |
	    awk 'NF { print $1 }' | sort | tr '\n' ' ')" \
	    "$(echo $conffiles | tr ' ' '\n' | sort | tr '\n' ' ')"
	is "round $round: the example actions are installed, executable" \
	    "$(stat -c '%a %n' /usr/libexec/abuse-collector/* | tr '\n' ' ')" \
	    "755 /usr/libexec/abuse-collector/http-lock 755 /usr/libexec/abuse-collector/postfix-sasl-lock "
	is "round $round: the user is a system user with no login" \
	    "$(getent passwd abuse-collector | awk -F: '{ print ($3 < 1000), $6, $7 }')" \
	    "1 $V /usr/sbin/nologin"
	is "round $round: its state directory is its own, mode 0750" \
	    "$(stat -c '%U:%G %a' $V)" "abuse-collector:abuse-collector 750"
	is "round $round: the timer is enabled" \
	    "$(readlink /etc/systemd/system/timers.target.wants/abuse-collector.timer)" \
	    /lib/systemd/system/abuse-collector.timer
	if command -v systemd-analyze >/dev/null; then
		ok "round $round: systemd-analyze verify accepts the units" \
		    systemd-analyze verify /lib/systemd/system/abuse-collector.service \
		    /lib/systemd/system/abuse-collector.timer
	fi
	exec_condition $D/abuse-collector.ini 2>"$T/cond.err"
	is "round $round: the service skips its run while the configuration is not edited" \
	    "$?" 1
	ok "round $round: and says why" grep -q ";unconfigured: delete it" "$T/cond.err"
	grep -v '^;unconfigured' $D/abuse-collector.ini >"$T/edited.ini"
	exec_condition "$T/edited.ini" 2>"$T/cond.err"
	is "round $round: and runs once the line is deleted" "$?" 0

	# The demo, as make demo runs it, as the user, into a directory of
	# its own.
	demo=$T/demo$round
	cp -R "$T/src/abuse-collector/config/demo" "$demo"
	rm -rf "$demo/var"
	chown -R abuse-collector:abuse-collector "$demo"
	runuser -u abuse-collector -- /usr/bin/abuse-collector \
	    -c "$demo/demo.ini" run >"$T/out" 2>&1
	is "round $round: the demo runs as abuse-collector" "$?" 0
	sed 's/^/#   /' "$T/out"
	ok "round $round: its summary is written" \
	    test -s "$demo/var/reports/summary-2026-11-20.html"
	is "round $round: its store is the user's, mode 0600" \
	    "$(stat -c '%U %a' "$demo/var/abuse.db")" "abuse-collector 600"
	runuser -u abuse-collector -- /usr/bin/abuse-collector \
	    -c "$demo/demo.ini" status >"$T/st" 2>&1
	ok "round $round: status as the user names the demo's source" \
	    grep -q 'demo-mailbox' "$T/st"
	# A collection into the default store, in the state directory.
	printf '[source demo]\ntype = maildir\npath = %s\n' "$demo/maildir" \
	    >"$demo/state.ini"
	chown abuse-collector "$demo/state.ini"
	runuser -u abuse-collector -- /usr/bin/abuse-collector \
	    -c "$demo/state.ini" collect >"$T/out" 2>&1
	is "round $round: a collection into the default store works as the user" "$?" 0
	sed 's/^/#   /' "$T/out"
	ok "round $round: the store is in the state directory" test -s $V/abuse.db
}

removed() {
	round=$1
	ok "round $round: apt-get remove removes it" \
	    apt-get remove -y abuse-collector
	is "round $round: its configuration files are left" \
	    "$(dpkg-query -W -f='${db:Status-Abbrev}' abuse-collector)" "rc "
	ok "round $round: the program is gone" test ! -e /usr/bin/abuse-collector
	ok "round $round: the configuration is kept" sh -c "ls $(echo $conffiles)"
	ok "round $round: the state is kept" test -s $V/abuse.db
	ok "round $round: apt-get purge purges it" \
	    apt-get purge -y abuse-collector
	ok "round $round: dpkg knows it no more" \
	    sh -c '! dpkg-query -W abuse-collector'
	ok "round $round: the configuration is gone" test ! -e $D
	ok "round $round: the state is gone" test ! -e $V
	ok "round $round: the user stays" getent passwd abuse-collector
	snapshot >"$T/after"
	is "round $round: nothing else is left" \
	    "$(diff "$T/before" "$T/after" | grep '^>')" ""
	# deb-systemd-helper purge removes every empty directory in
	# /etc/systemd/system, whoever made it.
	is "round $round: and nothing else is gone" \
	    "$(diff "$T/before" "$T/after" | grep '^<' |
	    grep -v '^< /etc/systemd/system/[^/]*$')" ""
}

installed 1
removed 1
installed 2
removed 2

done_testing
