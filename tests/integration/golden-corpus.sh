#!/bin/sh
# The golden corpus: for every tests/corpus/<format>/NNN-what.eml, `parse`
# must print exactly NNN-what.expect; NNN-what.ini, when present, is the
# configuration (-c) the case needs (trusted hosts, identity headers,
# limits).  With python3, `parse --json` must say the same as the text.
#
# AC_GOLDEN_UPDATE=1 rewrites the .expect files from the current output
# instead (for a reviewed change of behaviour; read the diff).
. "${top_srcdir:-.}/tests/lib/lib.sh"

corpus=$top_srcdir/tests/corpus
have_python=no
command -v python3 >/dev/null 2>&1 && have_python=yes

run_parse() {	# eml [--json]
	local base=${1%.eml}
	if [ -f "$base.ini" ]; then
		"$AC" -c "$base.ini" parse ${2:-} "$1"
	else
		"$AC" parse ${2:-} "$1"
	fi
}

# The JSON output holds the same keys and values as the text output.
json_agrees() {	# text-file json-file
	python3 - "$1" "$2" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read().splitlines()
doc = json.load(open(sys.argv[2], encoding="utf-8"))
want = {}
for line in text:
    k, v = line.split(": ", 1)
    want.setdefault(k, []).append(v)
got = {}
for k, v in doc.items():
    vals = v if isinstance(v, list) else [v]
    got[k] = ["yes" if x is True else str(x) for x in vals]
if got != want:
    print("text:", want)
    print("json:", got)
    sys.exit(1)
PY
}

n=0
for eml in "$corpus"/*/*.eml; do
	[ -f "$eml" ] || continue
	n=$((n + 1))
	base=${eml%.eml}
	name=${base#"$corpus"/}
	run_parse "$eml" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "${AC_GOLDEN_UPDATE:-0}" = 1 ] && [ $rc -eq 0 ]; then
		cp "$T/out" "$base.expect"
	fi
	if [ ! -f "$base.expect" ]; then
		is "$name: has an .expect file" "missing" "present"
		continue
	fi
	is "$name: parse exits 0" "$rc" 0
	ok "$name: output is $name.expect" diff -u "$base.expect" "$T/out"
	if [ $have_python = yes ]; then
		run_parse "$eml" --json >"$T/json" 2>&1
		ok "$name: --json agrees" json_agrees "$T/out" "$T/json"
	fi
done
ok "the corpus has cases" test "$n" -gt 0
done_testing
