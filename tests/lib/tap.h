/*
 * A minimal TAP producer for the unit tests: each test program prints
 * "ok N - what" or "not ok N - what" per check and the plan at the end,
 * and exits non-zero when a check failed.
 */
#ifndef AC_TAP_H
#define AC_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static inline int
tap_vok(int pass, const char *file, int line, const char *fmt, va_list ap)
{
	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return pass;
}

static inline int
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static inline int
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(pass, file, line, fmt, ap);
	va_end(ap);
	return r;
}

/* String equality, NULL-safe; prints both sides on failure. */
#define is(got, want, ...) tap_is((got), (want), __FILE__, __LINE__, \
	__VA_ARGS__)

static inline int
tap_is(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static inline int
tap_is(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int pass = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);

	va_start(ap, fmt);
	tap_vok(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got:  %s%s%s\n#   want: %s%s%s\n",
		    got ? "'" : "", got ? got : "NULL", got ? "'" : "",
		    want ? "'" : "", want ? want : "NULL", want ? "'" : "");
	return pass;
}

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
