/*
 * Small things every module uses: the error type, allocation that aborts
 * on failure, a growable buffer with a hard cap, and string helpers that
 * take (pointer, length) input.
 */
#ifndef AC_UTIL_H
#define AC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * How far a failure reaches.  REJECT: this message (or row, or line) is
 * bad; record it and go on.  TEMP: network, server or lock trouble; stop
 * this source and try again next run.  FATAL: configuration, schema or
 * disk; stop the program.
 */
enum rc { RC_OK = 0, RC_REJECT, RC_TEMP, RC_FATAL };

struct err {
	enum rc	rc;
	char	msg[256];
};

/* Set e (when not NULL) and return rc.  The message is truncated to fit. */
enum rc err_set(struct err *e, enum rc rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix the message already in e with "what: ". */
void err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

/* Allocation failure aborts: a batch job recovers on its next run. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A byte buffer that never grows past max.  Invariants: after buf_init,
 * data is never NULL and data[len] == '\0'.  buf_add* return -1 and leave
 * the buffer unchanged when the result would exceed max.
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 alloc;
	size_t	 max;
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
/* Hand the data to the caller (who frees it); the buffer is re-initialised. */
char *buf_detach(struct buf *b, size_t *len);
void buf_reset(struct buf *b);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, int c);
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ASCII, locale-independent helpers. */
int ascii_casecmp(const char *a, const char *b);
int ascii_ncasecmp(const char *a, const char *b, size_t n);
/* Case-insensitive search of needle in (hay, n); NULL when absent. */
const char *memcasemem(const char *hay, size_t n, const char *needle);
int has_prefix_ci(const char *s, size_t n, const char *prefix);
/* Trim ASCII white space from both ends of (*p, *n). */
void trim(const char **p, size_t *n);

/*
 * Characters that must not reach output or logs as they are: C0 controls
 * and DEL, C1 controls (U+0080-U+009F, in UTF-8; U+009B alone is a
 * terminal's CSI) and the bidirectional embeddings, overrides and
 * isolates (U+202A-U+202E, U+2066-U+2069), which reorder what is shown.
 * ctl_len is the length in bytes of such a character at the start of
 * (p, n), or 0.  ctl_blank replaces each by one space in the
 * NUL-terminated string s of length n and returns its new length.
 */
size_t ctl_len(const char *p, size_t n);
size_t ctl_blank(char *s, size_t n);

/*
 * Strict integer parsing: the whole string must be a number in [min, max].
 * Returns 0 and sets *out, or -1.
 */
int parse_ll(const char *s, long long min, long long max, long long *out);
/* "30s", "10m", "2h", "1d" or plain seconds. */
int parse_duration(const char *s, long long *seconds);
/* "25M", "512k", "1G" or plain bytes. */
int parse_size(const char *s, long long *bytes);

/*
 * url as it may be shown (check-config): a user and password before the
 * host as "***@", and the value of every query parameter whose name
 * suggests a credential (token, key, secret, pass, sig, auth, ...) as
 * "***".  The caller frees the result.
 */
char *url_masked(const char *url);

/* Seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void iso8601_utc(time_t t, char out[21]);

/* Milliseconds of the monotonic clock, for timeouts and durations. */
long long mono_ms(void);

/* Lower-case hex of the SHA-256 of (p, n) into out[65]. */
void sha256_hex(const void *p, size_t n, char out[65]);
/* Lower-case hex of HMAC-SHA256(key, msg) into out[65]. */
void hmac_sha256_hex(const void *key, size_t keylen,
    const void *msg, size_t n, char out[65]);

/* mkdir -p: create dir and its missing parents.  Returns 0 or -1 (errno). */
int mkdirs(const char *dir, int mode);

/* Read a whole file, at most max bytes (RC_REJECT when larger). */
enum rc read_file(const char *path, size_t max, char **data, size_t *len,
    struct err *e);

#endif
