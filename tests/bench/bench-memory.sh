#!/bin/sh
# Peak memory of `abuse-collector parse`, one message per process, over
# every file of the fuzz corpora (tests/fuzz/corpus/*) and generated
# messages made to cost memory: header fields of many bare continuation
# lines (tests/lib/genfold.py, also 40 of them base64-encoded in
# message/rfc822 parts), quoted-printable and base64 messages nested in
# each other, a large base64 attachment, tiny header fields and parts by
# the hundred thousand (refused).  Each peak RSS (/usr/bin/time -v) is
# checked against the bound the README states,
#
#     peak RSS <= PARSE_RSS_PER_BYTE x size + PARSE_RSS_BASE  (bounds.h)
#
# and the worst cases are reported: the largest (RSS - smallest RSS seen)
# / size of the messages of 64 KiB and more, and the largest RSS / bound.
# Exits 1 when a message is over the bound (not part of make check).
#
#   tests/bench/bench-memory.sh [BUILDDIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-.}" && pwd)
ac=$build/abuse-collector
work=$(mktemp -d "${TMPDIR:-/tmp}/ac-bench-mem.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -x /usr/bin/time ] || { echo "bench-memory: needs /usr/bin/time (Debian: time)" >&2; exit 2; }

per_byte=$(sed -n 's/^#define PARSE_RSS_PER_BYTE[ 	]*\([0-9]*\).*/\1/p' \
    "$src/collector/bounds.h")
base_mib=$(sed -n 's/^#define PARSE_RSS_BASE[ 	]*(\([0-9]*\)u \* 1024 \* 1024)/\1/p' \
    "$src/collector/bounds.h")
[ -n "$per_byte" ] && [ -n "$base_mib" ] || { echo "bench-memory: bound not found in bounds.h" >&2; exit 2; }

# The generated messages; the 40 nested fields messages are 28 MB, over
# the default max_message_size, so the run allows 32 MiB.
gen=$work/gen
mkdir -p "$gen"
python3 "$src/tests/lib/genfold.py" --out "$gen/fold-8x32700.eml"
python3 "$src/tests/lib/genfold.py" --nest 40 --out "$gen/fold-40-base64-rfc822.eml"
python3 "$src/tests/lib/gennested.py" --out "$gen/nested-qp-6-levels.eml"
python3 - "$gen" <<'PY'
import base64, os, sys
d = sys.argv[1]
def w(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
top = (b"From: a@example.org\nSubject: t\nMIME-Version: 1.0\n"
       b"Content-Type: multipart/mixed; boundary=b\n\n")
m = b"From: a@example.org\nSubject: core\n\n" + (b"y" * 76 + b"\n") * (1 << 16)
for i in range(4):
    m = (b"From: r@example.org\nSubject: level %d\nMIME-Version: 1.0\n"
         b"Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
         % i) + base64.encodebytes(m)
w("nested-base64-4-levels.eml", m)
w("base64-attachment-15m.eml", top + b"--b\nContent-Type: application/pdf\n"
  b"Content-Transfer-Encoding: base64\n\n" +
  base64.encodebytes(b"%PDF" + b"z" * (11 << 20)) + b"--b--\n")
w("tiny-fields-300-parts.eml", top + (b"--b\n" + b"a:b\n" * 900 + b"\nx\n") * 300
  + b"--b--\n")
w("tiny-fields-one-part.eml", top + b"--b\n" + b"a:b\n" * 250000 + b"\nx\n--b--\n")
w("empty-parts-200000.eml", top + b"--b\n\n" * 200000 + b"--b--\n")
PY
printf '[store]\npath = %s/none.db\n[limits]\nmax_message_size = 32m\n' \
    "$work" >"$work/ac.ini"

: >"$work/results"
for f in "$src"/tests/fuzz/corpus/*/* "$gen"/*; do
	[ -f "$f" ] || continue
	size=$(wc -c <"$f")
	/usr/bin/time -v "$ac" -q -c "$work/ac.ini" parse "$f" \
	    >/dev/null 2>"$work/time" || true
	rss=$(sed -n 's/^[ 	]*Maximum resident set size (kbytes): //p' \
	    "$work/time")
	echo "$size $rss $f" >>"$work/results"
done
awk -v k="$per_byte" -v c="$base_mib" -v src="$src/" -v gen="$gen/" '
{ size[NR] = $1; rss[NR] = $2 * 1024; name[NR] = $3
  sub(src, "", name[NR]); sub(gen, "generated: ", name[NR])
  if (NR == 1 || rss[NR] < min) min = rss[NR] }
END {
	over = 0
	for (i = 1; i <= NR; i++) {
		bound = k * size[i] + c * 1048576
		f = rss[i] / bound
		if (f > worstf) { worstf = f; wf = i }
		if (rss[i] > bound) {
			over++
			printf "OVER THE BOUND: %s: %d bytes, peak RSS %.1f MiB, bound %.1f MiB\n", name[i], size[i], rss[i] / 1048576, bound / 1048576
		}
		if (size[i] >= 65536) {
			r = (rss[i] - min) / size[i]
			if (r > worstr) { worstr = r; wr = i }
		}
		if (index(name[i], "generated: ") == 1)
			printf "%-40s %9d bytes  peak RSS %7.1f MiB  (RSS - %.1f MiB) / size %5.2f\n", name[i], size[i], rss[i] / 1048576, min / 1048576, (rss[i] - min) / size[i]
	}
	printf "messages: %d; smallest peak RSS %.1f MiB\n", NR, min / 1048576
	printf "worst (RSS - smallest) / size of messages >= 64 KiB: %.2f (%s, %d bytes)\n", worstr, name[wr], size[wr]
	printf "worst RSS / bound: %.2f (%s: %.1f MiB of %.1f MiB)\n", worstf, name[wf], rss[wf] / 1048576, (k * size[wf] + c * 1048576) / 1048576
	printf "bound: peak RSS <= %d x size + %d MiB: %s\n", k, c, over ? over " over" : "held by all"
	exit over ? 1 : 0
}' "$work/results"
