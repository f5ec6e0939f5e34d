# Run the collector with its address space limited (prlimit --as), so
# that a big message makes it fail for real: allocation fails and it
# aborts.  Sourced after lib.sh.  One malloc arena and a fixed mmap
# threshold make the address space follow what is allocated, not when
# the threads happen to allocate it.
#
#   as_require                  skip unless prlimit works on the build
#   as_run MIB ARGS...          the collector under MIB MiB of address space
#   as_floor CMD...             the least MiB (8..1024) at which CMD, run
#                               as CMD MIB, exits 0; 0 when none does

export MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=131072

as_require() {
	command -v prlimit >/dev/null 2>&1 ||
	    skip_all "prlimit is not installed (Debian: util-linux)"
	# A sanitizer build maps terabytes of shadow memory.
	prlimit --as=$((512 << 20)) "$AC" --version >/dev/null 2>&1 ||
	    skip_all "the collector does not start in 512 MiB of address" \
	        "space (a sanitizer build?)"
}

as_run() {
	local mib=$1
	shift
	prlimit --as=$((mib << 20)) "$AC" "$@"
}

as_floor() {
	local lo=8 hi=1024 mid
	"$@" "$hi" || { echo 0; return; }
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if "$@" "$mid"; then hi=$mid; else lo=$mid; fi
	done
	echo "$hi"
}
