#!/bin/sh
# The public sample corpus (../shared/corpus/public beside the checkout, or
# $AC_PUBLIC_CORPUS): every message parses to the key fields that
# tests/corpus/public.expect names for it, every message has expectations,
# and the negative sample is stored as ignored, never counted.
. "${top_srcdir:-.}/tests/lib/lib.sh"

dir=${AC_PUBLIC_CORPUS:-$top_srcdir/../shared/corpus/public}
expect=$top_srcdir/tests/corpus/public.expect
[ -d "$dir" ] || skip_all "no public corpus at $dir"

# Check one file against its block: prints what is missing or extra.
check() {	# file
	local name out
	name=$(basename "$1")
	out=$T/$name.out
	"$AC" parse "$1" >"$out" 2>&1 || { echo "parse failed"; return 1; }
	awk -v want="[$name]" -v out="$out" '
		BEGIN { while ((getline l < out) > 0) { have[l] = 1
			  k = l; sub(/: .*/, "", k); key[k] = 1 } }
		$0 == want { on = 1; found = 1; next }
		/^\[/ { on = 0 }
		!on || /^#/ || /^$/ { next }
		/^!/ { k = substr($0, 2)
		       if (k in key) { print "present but should be absent: " k; bad = 1 }
		       next }
		!($0 in have) { print "missing: " $0; bad = 1 }
		END { if (!found) { print "no block for " want; bad = 1 }
		      exit bad }' "$expect" || { sed 's/^/    got: /' "$out"; return 1; }
}

n=0
for f in "$dir"/*.eml; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	ok "$(basename "$f")" check "$f"
done
ok "the public corpus has messages" test "$n" -gt 0

# Every block names a file that exists: the expectations do not rot.
for name in $(sed -n 's/^\[\(.*\)\]$/\1/p' "$expect"); do
	ok "expectation $name has its file" test -f "$dir/$name"
done

neg=$dir/negative-icloud-unsubscribe-not-arf.eml
if [ -f "$neg" ]; then
	is "the negative sample is not counted" \
	    "$("$AC" parse "$neg" | sed -n 's/^status: //p')" ignored
fi
done_testing
