#!/bin/sh
# The command line: help lists what exists, exit codes, usage errors.
. "$top_srcdir/tests/lib/lib.sh"

"$AC" --help >"$T/help"
is "--help exits 0" "$?" 0
for c in run collect report parse import reports cases status check-config; do
	ok "--help lists $c" grep -q "^  $c " "$T/help"
done
# Every command --help lists must exist (no advertised stubs).
for c in $(sed -n 's/^  \([a-z-][a-z-]*\) .*/\1/p' "$T/help"); do
	"$AC" "$c" --no-such-flag >/dev/null 2>"$T/err"
	ok "listed command '$c' is a real command" sh -c "! grep -q 'unknown command' '$T/err'"
done
"$AC" frobnicate >/dev/null 2>"$T/err"
is "an unknown command exits 64" "$?" 64
ok "an unknown command is named" grep -q "unknown command 'frobnicate'" "$T/err"
"$AC" --bogus run >/dev/null 2>&1
is "an unknown option exits 64" "$?" 64
"$AC" >/dev/null 2>&1
is "no command exits 64" "$?" 64
"$AC" --version | grep -q "^abuse-collector [0-9]"
is "--version prints the version" "$?" 0
"$AC" parse "$T/nonexistent.eml" >/dev/null 2>"$T/err"
is "parse of a missing file exits 66" "$?" 66
ok "parse names the missing file" grep -q "nonexistent.eml" "$T/err"
done_testing
