#!/bin/sh
# Run the libFuzzer targets of a build configured with
#   CC=clang ./configure --enable-fuzzing --enable-asan --enable-ubsan
# each for SECONDS (default 600), JOBS at a time (default 2), with the
# seed corpora of tests/fuzz/corpus copied to a work directory so the
# repository keeps only the seeds.  Prints per target: seconds, executions
# and findings (crash-*, leak-*, timeout-*, oom-* files).
#
#   tests/fuzz/run-fuzzers.sh BUILDDIR [SECONDS [JOBS [TARGET...]]]
#
# Targets: mime text config headers received classify and one per
# format (spamexperts arf dmarc xarf xarf_json spamcop jmrp complaint dsn
# auto-reply newsletter challenge-response ticket reply request).
# headers runs with inputs up to 128 KiB and an RSS limit of 512 MB:
# unfolding a 64 KiB field of bare lines at a cost of its length
# squared needs a gigabyte, so it cannot pass.
set -u
build=${1:?usage: run-fuzzers.sh BUILDDIR [SECONDS [JOBS [TARGET...]]]}
secs=${2:-600}
jobs=${3:-2}
shift; [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
src=$(cd "$(dirname "$0")/../.." && pwd)
work=${AC_FUZZ_WORK:-$build/fuzz-work}
targets=${*:-mime text config headers received classify spamexperts arf dmarc xarf xarf_json spamcop jmrp complaint dsn auto-reply newsletter challenge-response ticket reply request}
mkdir -p "$work"

run() {	# target
	t=$1
	rss=2048 len=65536
	case $t in
	mime|text|config|received) bin=$build/tests/fuzz/fuzz_$t; fmt= ;;
	headers) bin=$build/tests/fuzz/fuzz_$t; fmt= rss=512 len=131072 ;;
	*) bin=$build/tests/fuzz/fuzz_format; fmt=$t ;;
	esac
	dir=$work/$t
	mkdir -p "$dir/corpus" "$dir/findings"
	cp -n "$src/tests/fuzz/corpus/$t"/* "$dir/corpus/" 2>/dev/null
	(cd "$dir/findings" && AC_FUZZ_FORMAT=$fmt \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    "$bin" -max_total_time="$secs" -rss_limit_mb=$rss -timeout=10 \
	    -max_len=$len -close_fd_mask=3 -print_final_stats=1 \
	    "$dir/corpus" >"$dir/log" 2>&1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
	found=$(ls "$dir/findings" | grep -c -E '^(crash|leak|timeout|oom|slow-unit)-')
	printf '%-12s %5ss %12s execs %3s findings\n' "$t" "$secs" \
	    "${execs:-?}" "$found"
}

running=0
for t in $targets; do
	run "$t" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
