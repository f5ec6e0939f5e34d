#!/bin/sh
# Benchmark of the resolver's networks table: load time of a generated
# table of 1,000,000 prefixes and lookups per second, against the peer
# structure it replaced.  Run from the build directory:
#
#   make bench-resolve
#
# AC_BENCH_PREFIXES and AC_BENCH_LOOKUPS change the sizes.
set -eu
bin=${1:-./tests/bench/bench_resolve}
n=${AC_BENCH_PREFIXES:-1000000}
l=${AC_BENCH_LOOKUPS:-4000000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ac-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
echo "bench-resolve: $n prefixes, $l lookups ($(uname -m), $(nproc) cores)"
"$bin" "$dir" "$n" "$l"
