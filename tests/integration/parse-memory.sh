#!/bin/sh
# parse keeps within the bound the README states (12 x size + 48 MiB,
# here as address space on top of what a small message needs) for the
# messages made to cost memory: eight header fields of 32,700 bare
# continuation lines, forty such messages base64-encoded in
# message/rfc822 parts, quoted-printable messages nested six deep.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/aslimit.sh"
as_require

printf '[store]\npath = %s\n[limits]\nmax_message_size = 32m\n' \
    "$T/none.db" >"$T/ac.ini"
printf 'From: a@example.org\nSubject: small\n\nbody\n' >"$T/small.eml"
small() { as_run "$1" -q -c "$T/ac.ini" parse "$T/small.eml" >/dev/null; }
floor=$(as_floor small)
ok "a small message needs some address space ($floor MiB)" \
    test "$floor" -gt 0

python3 "$top_srcdir/tests/lib/genfold.py" --out "$T/fold.eml"
python3 "$top_srcdir/tests/lib/genfold.py" --nest 40 --out "$T/fold40.eml"
python3 "$top_srcdir/tests/lib/gennested.py" --out "$T/nested.eml"
for m in fold fold40 nested; do
	size=$(wc -c <"$T/$m.eml")
	limit=$((floor + (12 * size >> 20) + 48))
	as_run "$limit" -q -c "$T/ac.ini" parse "$T/$m.eml" >"$T/$m.out" \
	    2>"$T/$m.err"
	is "$m ($size bytes) parses in $limit MiB" "$?" 0
	ok "$m: a result" has_line "^format: " "$T/$m.out"
done
done_testing
