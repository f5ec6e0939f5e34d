#!/bin/sh
# Parse throughput of abuse-collector against Python's email package, on
# the same messages, in the same run (not part of make check).
#
#   tests/bench/bench-parse.sh [BUILDDIR [MESSAGES [PASSES]]]
#
# Builds tests/bench/bench_parse in BUILDDIR (default: the current
# directory), makes a corpus of MESSAGES messages (default 5000) from the
# golden corpus in tests/corpus (every format; the bad-input cases left
# out), each copy varied by its own X-Bench-Seq field and Message-ID, and
# runs both sides over it PASSES times (default 3).  bench_parse times
# message_parse(), the code path of `parse` and `collect` (MIME, format
# classification, extraction); bench_email.py times
# email.message_from_bytes() with the default policy, header reads, and a
# walk that decodes every text part.  Files are read into memory before
# either clock starts.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-.}" && pwd)
count=${2:-5000}
passes=${3:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/ac-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

make -C "$build" -s tests/bench/bench_parse >/dev/null
python3 - "$src/tests/corpus" "$work/corpus" "$count" <<'PY'
import os, re, sys
src, dst, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
samples = []
for d in sorted(os.listdir(src)):
    if d == "bad" or not os.path.isdir(os.path.join(src, d)):
        continue
    for f in sorted(os.listdir(os.path.join(src, d))):
        if f.endswith(".eml"):
            samples.append(open(os.path.join(src, d, f), "rb").read())
os.makedirs(dst)
for i in range(count):
    raw = samples[i % len(samples)]
    # Vary each copy: a sequence field at the top (after an mbox From
    # line) and the offending Message-ID, so no two messages are equal.
    nl = raw.find(b"\n") + 1 if raw.startswith(b"From ") else 0
    raw = raw[:nl] + b"X-Bench-Seq: %d\n" % i + raw[nl:]
    raw = re.sub(rb"(Message-I[Dd]: <)", rb"\g<1>%d." % i, raw, count=1)
    with open(os.path.join(dst, "%06d.eml" % i), "wb") as f:
        f.write(raw)
PY
echo "corpus: $count messages, $(du -sk "$work/corpus" | cut -f1) KiB on disk, $passes passes"
"$build/tests/bench/bench_parse" -p "$passes" "$work/corpus" >"$work/c.out"
python3 "$src/tests/bench/bench_email.py" -p "$passes" "$work/corpus" \
    >"$work/py.out"
c=$(sed -n 's/^msgs_per_s \([0-9.]*\) mb_per_s \([0-9.]*\)$/\1 \2/p' "$work/c.out")
py=$(sed -n 's/^msgs_per_s \([0-9.]*\) mb_per_s \([0-9.]*\)$/\1 \2/p' "$work/py.out")
echo "abuse-collector message_parse: $(sed -n 2p "$work/c.out")"
set -- $c $py
printf 'abuse-collector parse:  %8.0f messages/s  %7.2f MB/s\n' "$1" "$2"
printf 'python3 email package:  %8.0f messages/s  %7.2f MB/s\n' "$3" "$4"
awk -v a="$1" -v b="$3" 'BEGIN { printf "ratio: %.1fx\n", a / b }'
