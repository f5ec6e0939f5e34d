#!/bin/sh
# The directories configure was given are the program's defaults, and
# --help, the installed manual pages, the systemd unit and the cron line
# name those paths and no others.
. "$top_srcdir/tests/lib/lib.sh"

if [ -z "${sysconfdir:-}" ] || [ -z "${localstatedir:-}" ]; then
	skip_all "sysconfdir and localstatedir come from make check"
fi
conf=$sysconfdir/abuse-collector/abuse-collector.ini
store=$localstatedir/lib/abuse-collector/abuse.db
out=$localstatedir/lib/abuse-collector/reports

# What names a path of ours that is not the configured one.
stray() {
	sed -e "s|$sysconfdir/abuse-collector||g" \
	    -e "s|$localstatedir/lib/abuse-collector||g" "$1" |
	    grep -E '(/etc|/var/lib|/var)/abuse-collector|@[a-z]+@'
}

"$AC" --help >"$T/help"
ok "--help names the configuration file" grep -qF "(default $conf)" "$T/help"
ok "--help names the store" grep -qF "the store $store," "$T/help"
ok "--help names the summaries' directory" grep -qF "summaries in $out" "$T/help"

# The program's defaults are those paths.
if [ ! -e "$conf" ]; then
	"$AC" check-config >/dev/null 2>"$T/err"
	is "without -c the configured file is read" "$?" 78
	ok "and named" grep -qF "cannot open configuration '$conf'" "$T/err"
fi
mkmaildir "$T/box"
printf '[source box]\ntype = maildir\npath = box\n' >"$T/dflt.ini"
"$AC" -c "$T/dflt.ini" check-config >"$T/out" 2>"$T/err"
case $? in
0)	ok "the default store is the configured one" grep -qx "path = $store" "$T/out"
	ok "the default output directory too" grep -qx "output_dir = $out" "$T/out" ;;
*)	# This user cannot make them: check-config says so, as defaults.
	ok "the default store's directory is named" \
	    grep -qF "[store] path (default): the store's directory: '${store%/*}'" "$T/err"
	ok "the default output directory too" \
	    grep -qF "[report] output_dir (default): '$out'" "$T/err" ;;
esac

# What make install installs.
${MAKE:-make} -s -C "$top_builddir" install-man install-nodist_unitDATA \
    install-nodist_cronDATA install-data-local DESTDIR="$T/inst" \
    >"$T/make" 2>&1 ||
    sed 's/^/# /' "$T/make"
ok "the manual pages and units install" test -n "$(find "$T/inst" -type f)"
man1=$(find "$T/inst" -name abuse-collector.1)
man5=$(find "$T/inst" -name abuse-collector.ini.5)
unit=$(find "$T/inst" -name abuse-collector.service)
cron=$(find "$T/inst" -name abuse-collector.cron)
example=$(find "$T/inst" -name abuse-collector.ini.example)
ok "abuse-collector(1) names the configuration file" grep -qF "Pa $conf" "$man1"
ok "abuse-collector(1) names the store" grep -qF "Pa $store" "$man1"
ok "abuse-collector(1) names the summaries' directory" grep -qF "Pa $out" "$man1"
ok "abuse-collector.ini(5) names the configuration file" grep -qF "Pa $conf" "$man5"
ok "abuse-collector.ini(5) names the default store" grep -qF "Pa $store ." "$man5"
ok "abuse-collector.ini(5) names the default output directory" grep -qF "Pa $out ." "$man5"
ok "the unit runs with the configuration file" \
    grep -qE "^ExecStart=.*/abuse-collector -c $conf run\$" "$unit"
ok "the unit may write the store's directory" \
    grep -qxF "ReadWritePaths=$localstatedir/lib/abuse-collector" "$unit"
ok "the cron line runs with the configuration file" \
    grep -qE "/abuse-collector -c $conf run\$" "$cron"
ok "the example configuration is installed beside the configuration" \
    test "$example" = "$T/inst$conf.example"
ok "the example's store is the default store" grep -qx "path = $store" "$example"
ok "the example's output directory is the default one" \
    grep -qx "output_dir = $out" "$example"
# The unit's condition, run as systemd runs it ($$ is a dollar sign
# there): the example as installed skips the run, an edited one does not.
sed -n "s/^ExecCondition=\/bin\/sh -c '\(.*\)' \([^ ]*\)\$/\1/p" "$unit" |
    sed 's/\$\$/$/g' >"$T/cond"
ok "the unit's condition reads the configuration file" \
    grep -qE "^ExecCondition=/bin/sh -c '.*' $conf\$" "$unit"
sh -c "$(cat "$T/cond")" "$example" 2>"$T/cond.err"
is "it skips the run while the example's line ;unconfigured is there" "$?" 1
ok "and says why" grep -qF "$example has the line ;unconfigured" "$T/cond.err"
grep -v '^;unconfigured' "$example" >"$T/edited.ini"
sh -c "$(cat "$T/cond")" "$T/edited.ini" 2>"$T/cond.err"
is "it lets the run go once the line is deleted" "$?" 0
grep -v '^#' "$unit" >"$T/unit"
for f in "$man1" "$man5" "$cron" "$T/unit" "$example"; do
	stray "$f" >"$T/stray"
	is "${f##*/} names no other path of ours" "$(cat "$T/stray")" ""
done

done_testing
