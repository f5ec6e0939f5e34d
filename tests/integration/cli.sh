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
# Several files: each block names its file; --json keeps one line per
# argument, an error object for a file that cannot be read.
E="$top_srcdir/tests/corpus/arf/001-rfc5965-complete.eml"
"$AC" parse "$E" >"$T/one"
ok "parse of one file prints no file line" sh -c "! grep -q '^file:' '$T/one'"
"$AC" parse "$E" "$T/nonexistent.eml" "$E" >"$T/several" 2>/dev/null
is "parse of several files with one missing exits 66" "$?" 66
is "parse names each file before its fields" \
    "$(grep '^file:\|^error:' "$T/several" | sed "s|$T|T|; s|$top_srcdir/||")" \
    "$(printf '%s\n' "file: tests/corpus/arf/001-rfc5965-complete.eml" \
    "file: T/nonexistent.eml" \
    "error: cannot open 'T/nonexistent.eml': No such file or directory" \
    "file: tests/corpus/arf/001-rfc5965-complete.eml")"
"$AC" parse --json "$E" "$T/nonexistent.eml" "$E" >"$T/json" 2>/dev/null
is "parse --json: one line per file" "$(wc -l <"$T/json")" 3
is "parse --json: an error object for the unreadable file" \
    "$(sed -n 2p "$T/json" | sed "s|$T|T|g")" \
    '{"file":"T/nonexistent.eml","error":"cannot open '"'T/nonexistent.eml'"': No such file or directory"}'
ok "parse --json: the others name their file" sh -c \
    "sed -n '1p;3p' '$T/json' | grep -c '^{\"file\":\"[^\"]*001-rfc5965-complete.eml\",\"format\":\"arf\"' | grep -qx 2"
done_testing
