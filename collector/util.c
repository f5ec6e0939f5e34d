#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "util.h"

enum rc
err_set(struct err *e, enum rc rc, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return rc;
	e->rc = rc;
	va_start(ap, fmt);
	/* A message cut short is still a message; truncation is acceptable here. */
	(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return rc;
}

void
err_prefix(struct err *e, const char *fmt, ...)
{
	char old[sizeof(e->msg)];
	struct buf b;
	va_list ap;
	size_t n;

	if (e == NULL)
		return;
	memcpy(old, e->msg, sizeof(old));
	buf_init(&b, 4096);
	va_start(ap, fmt);
	n = (size_t)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	(void)buf_add(&b, e->msg, n < sizeof(e->msg) ? n : sizeof(e->msg) - 1);
	(void)buf_addf(&b, ": %s", old);
	/* Cut to fit: an error message is for reading, not for parsing. */
	n = b.len < sizeof(e->msg) ? b.len : sizeof(e->msg) - 1;
	memcpy(e->msg, b.data, n);
	e->msg[n] = '\0';
	buf_release(&b);
}

void
err_clear(struct err *e)
{
	e->rc = RC_OK;
	e->msg[0] = '\0';
}

static void
oom(void)
{
	static const char m[] = "abuse-collector: out of memory\n";

	(void)!write(2, m, sizeof(m) - 1);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return p;
}

void
buf_init(struct buf *b, size_t max)
{
	b->alloc = 64;
	b->data = xmalloc(b->alloc);
	b->data[0] = '\0';
	b->len = 0;
	b->max = max;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p = b->data;

	if (len != NULL)
		*len = b->len;
	buf_init(b, b->max);
	return p;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
}

static int
buf_grow(struct buf *b, size_t extra)
{
	size_t need;

	if (extra > b->max || b->len > b->max - extra)
		return -1;
	need = b->len + extra + 1;
	if (need > b->alloc) {
		size_t a = b->alloc;

		while (a < need)
			a = a < SIZE_MAX / 2 ? a * 2 : need;
		b->data = xrealloc(b->data, a);
		b->alloc = a;
	}
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) < 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addch(struct buf *b, int c)
{
	char ch = (char)c;

	return buf_add(b, &ch, 1);
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int
ascii_casecmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && lower(*x) == lower(*y))
		x++, y++;
	return lower(*x) - lower(*y);
}

int
ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n > 0; n--, x++, y++) {
		if (lower(*x) != lower(*y))
			return lower(*x) - lower(*y);
		if (*x == '\0')
			return 0;
	}
	return 0;
}

/*
 * memchr for the first letter in either case does the scanning, so a
 * search over a large body costs little more than memchr itself.
 */
const char *
memcasemem(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	const char *p = hay, *end, *a, *b;
	int lo, up;

	if (m == 0)
		return hay;
	if (m > n)
		return NULL;
	lo = lower((unsigned char)needle[0]);
	up = lo >= 'a' && lo <= 'z' ? lo - 32 : lo;
	end = hay + (n - m) + 1;
	while (p < end) {
		a = memchr(p, lo, (size_t)(end - p));
		b = up != lo ? memchr(p, up, (size_t)((a ? a : end) - p)) :
		    NULL;
		if (b != NULL)
			a = b;
		if (a == NULL)
			return NULL;
		if (ascii_ncasecmp(a + 1, needle + 1, m - 1) == 0)
			return a;
		p = a + 1;
	}
	return NULL;
}

int
has_prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);

	return n >= m && ascii_ncasecmp(s, prefix, m) == 0;
}

size_t
ctl_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	if (n == 0)
		return 0;
	if (p[0] < 0x20 || p[0] == 0x7f)
		return 1;
	if (n >= 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;
	if (n >= 3 && p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa &&
	    p[2] <= 0xae) || (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)))
		return 3;
	return 0;
}

size_t
ctl_blank(char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, j, k;

	/* Up to the first byte that may start a control character, nothing
	 * changes: most text has none.  Printable ASCII is one test. */
	while (i < n && ((unsigned)p[i] - 0x20u < 0x5fu ||
	    (p[i] >= 0x80 && p[i] != 0xc2 && p[i] != 0xe2)))
		i++;
	j = i;
	while (i < n) {
		if ((k = ctl_len(s + i, n - i)) > 0) {
			s[j++] = ' ';
			i += k;
		} else {
			s[j++] = s[i++];
		}
	}
	s[j] = '\0';
	return j;
}

void
trim(const char **p, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**p))
		(*p)++, (*n)--;
	while (*n > 0 && isspace((unsigned char)(*p)[*n - 1]))
		(*n)--;
}

int
parse_ll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A number with an optional one-letter unit from units[]/mult[]. */
static int
parse_unit(const char *s, const char *units, const long long *mult,
    long long *out)
{
	char num[32];
	size_t n = strlen(s);
	const char *u;
	long long v, m = 1;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	if ((u = strchr(units, lower((unsigned char)num[n - 1]))) != NULL) {
		m = mult[u - units];
		num[n - 1] = '\0';
	}
	if (parse_ll(num, 0, LLONG_MAX, &v) < 0 || v > LLONG_MAX / m)
		return -1;
	*out = v * m;
	return 0;
}

int
parse_duration(const char *s, long long *seconds)
{
	static const long long mult[] = { 1, 60, 3600, 86400 };

	return parse_unit(s, "smhd", mult, seconds);
}

int
parse_size(const char *s, long long *bytes)
{
	static const long long mult[] = { 1024, 1024 * 1024,
	    1024LL * 1024 * 1024 };

	return parse_unit(s, "kmg", mult, bytes);
}

void
iso8601_utc(time_t t, char out[21])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		memcpy(out, "1970-01-01T00:00:00Z", 21);
}

long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void
sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char d[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, p, n, d) != 0)
		abort();
	hex(d, sizeof(d), out);
}

void
hmac_sha256_hex(const void *key, size_t keylen, const void *msg, size_t n,
    char out[65])
{
	unsigned char d[32];

	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, keylen, msg, n, d) != 0)
		abort();
	hex(d, sizeof(d), out);
}

enum rc
read_file(const char *path, size_t max, char **data, size_t *len,
    struct err *e)
{
	struct buf b;
	struct stat st;
	char chunk[65536];
	ssize_t r;
	int fd;
	enum rc rc = RC_OK;

	*data = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(e, errno == ENOENT || errno == EACCES ?
		    RC_REJECT : RC_TEMP, "cannot open '%s': %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > max) {
		close(fd);
		return err_set(e, RC_REJECT, "'%s' is %lld bytes, over the "
		    "limit of %zu", path, (long long)st.st_size, max);
	}
	buf_init(&b, max);
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = err_set(e, RC_TEMP, "cannot read '%s': %s", path,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		if (buf_add(&b, chunk, (size_t)r) < 0) {
			rc = err_set(e, RC_REJECT, "'%s' is over the limit of "
			    "%zu bytes", path, max);
			goto out;
		}
	}
	*data = buf_detach(&b, len);
out:
	buf_release(&b);
	close(fd);
	return rc;
}

/* Query parameter names that carry credentials, as parts of the name:
 * token, access_token, apikey, api_key, X-Amz-Signature, password, ... */
static int
secret_param(const char *name, size_t n)
{
	static const char *const part[] = { "token", "key", "secret", "pass",
	    "pwd", "sig", "auth", "cred", "session" };
	size_t i, k, len;

	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		len = strlen(part[i]);
		for (k = 0; k + len <= n; k++)
			if (ascii_ncasecmp(name + k, part[i], len) == 0)
				return 1;
	}
	return 0;
}

char *
url_masked(const char *url)
{
	const char *h = strstr(url, "://"), *p, *end, *at, *amp, *eq;
	char *masked;
	struct buf b;

	buf_init(&b, 2 * strlen(url) + 16);
	h = h != NULL ? h + 3 : url;
	end = h + strcspn(h, "/?#");
	at = memchr(h, '@', (size_t)(end - h));
	/* The last '@' ends the user part: a password may hold one. */
	while (at != NULL && memchr(at + 1, '@', (size_t)(end - at - 1)))
		at = memchr(at + 1, '@', (size_t)(end - at - 1));
	buf_add(&b, url, (size_t)(h - url));
	if (at != NULL) {
		buf_addstr(&b, "***");
		h = at;
	}
	p = h + strcspn(h, "?#");
	buf_add(&b, h, (size_t)(p - h));
	if (*p == '?') {
		end = p + strcspn(p, "#");
		buf_addch(&b, '?');
		for (p++; p < end; p = amp + (amp < end)) {
			if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
				amp = end;
			eq = memchr(p, '=', (size_t)(amp - p));
			if (eq != NULL && secret_param(p, (size_t)(eq - p))) {
				buf_add(&b, p, (size_t)(eq - p) + 1);
				buf_addstr(&b, "***");
			} else {
				buf_add(&b, p, (size_t)(amp - p));
			}
			if (amp < end)
				buf_addch(&b, '&');
		}
		p = end;
	}
	buf_addstr(&b, p);
	masked = buf_detach(&b, NULL);
	buf_release(&b);
	return masked;
}

int
mkdirs(const char *dir, int mode)
{
	char *p = xstrdup(dir), *s;
	int r = 0;

	for (s = p + 1; *s != '\0' && r == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST)
			r = -1;
		*s = '/';
	}
	if (r == 0 && mkdir(p, (mode_t)mode) != 0 && errno != EEXIST)
		r = -1;
	free(p);
	return r;
}
