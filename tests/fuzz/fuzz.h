/*
 * Shared by the fuzz targets: the libFuzzer entry point every target
 * defines, the corpora a target's seeds live in (replayed by replay.c in
 * `make check`), and the checks of what the parsers promise, which turn a
 * broken promise into a crash the fuzzer reports.
 */
#ifndef AC_FUZZ_H
#define AC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct report;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The seed directories below tests/fuzz/corpus/ this target replays,
 * NULL-terminated; fuzz_select() is called with each before its files
 * (a target that fuzzes several things picks the one to run). */
extern const char *const fuzz_corpora[];
void fuzz_select(const char *corpus);

/* Abort unless r keeps the report.h contract: a format name, a status
 * with a reason unless parsed, every string valid UTF-8 without control
 * characters and at most MAX_FIELD_LEN bytes.  Also prints r to
 * /dev/null and computes its key, as `parse` and `collect` would. */
void fuzz_check_report(const struct report *r);

#endif
