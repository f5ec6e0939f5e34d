#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bounds.h"
#include "log.h"
#include "table.h"

int
csv_split(char *line, char **cells, size_t max)
{
	char *r = line, *w = line;
	size_t n = 0;

	/* Cells are unquoted in place: w writes at or behind r. */
	for (;;) {
		char *start = w, end;
		const char *s;
		size_t len;

		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0')
					return -1;	/* unterminated quote */
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else {
					*w++ = *r++;
				}
			}
			while (*r == ' ' || *r == '\t')
				r++;
			if (*r != ',' && *r != '\0')
				return -1;	/* text after a quoted cell */
		} else {
			while (*r != ',' && *r != '\0') {
				if (*r == '"')
					return -1;	/* quote inside a cell */
				*w++ = *r++;
			}
		}
		/* Keep the separator: the cell's terminator may land on it. */
		end = *r;
		s = start;
		len = (size_t)(w - start);
		trim(&s, &len);
		if (n == max)
			return -1;
		memmove(start, s, len);
		start[len] = '\0';
		cells[n++] = start;
		if (end == '\0')
			return (int)n;
		w = ++r;
	}
}

void
table_errs_init(struct table_errs *te, const char *what, struct err *e)
{
	te->what = what;
	te->e = e;
	te->n = 0;
	err_clear(e);
}

void
table_errs_add(struct table_errs *te, const char *fmt, ...)
{
	va_list ap;

	/* The one held back is logged now that it is not the only one. */
	if (te->n > 0 && te->n <= MAX_TABLE_ERRORS)
		log_error("%s", te->e->msg);
	te->n++;
	te->e->rc = RC_FATAL;
	va_start(ap, fmt);
	(void)vsnprintf(te->e->msg, sizeof(te->e->msg), fmt, ap);
	va_end(ap);
}

enum rc
table_errs_end(struct table_errs *te)
{
	if (te->n == 0)
		return RC_OK;
	if (te->n == 1)
		return RC_FATAL;
	if (te->n <= MAX_TABLE_ERRORS)
		log_error("%s", te->e->msg);
	else
		log_error("%s: %d more errors not shown", te->what,
		    te->n - MAX_TABLE_ERRORS);
	return err_set(te->e, RC_FATAL, "%s: %d errors", te->what, te->n);
}

size_t
table_read_rows(const char *path, const char *const *want, size_t nreq,
    size_t nwant, table_row_fn fn, void *arg, struct table_errs *te)
{
	char line[MAX_TABLE_LINE + 2], *cells[TABLE_MAX_COLS];
	size_t ncols = 0, i, rows = 0;
	int lineno = 0, n, c;
	const char *msg;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		table_errs_add(te, "cannot open '%s': %s", path,
		    strerror(errno));
		return 0;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t len = strlen(line);

		lineno++;
		if (len > 0 && line[len - 1] != '\n' && !feof(fp)) {
			table_errs_add(te, "%s:%d: line longer than %d bytes",
			    path, lineno, MAX_TABLE_LINE);
			/* The rest of it is not a line of its own. */
			while ((c = getc(fp)) != EOF && c != '\n')
				;
			if (ncols == 0)
				goto out;
			continue;
		}
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (lineno == 1 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
			memmove(line, line + 3, len - 2);	/* UTF-8 BOM */
		if (line[strspn(line, " \t")] == '\0' || line[0] == '#')
			continue;
		n = csv_split(line, cells, TABLE_MAX_COLS);
		if (n < 0) {
			table_errs_add(te, "%s:%d: malformed CSV line", path,
			    lineno);
			if (ncols == 0)
				goto out;
			continue;
		}
		if (ncols == 0) {
			/* The header row: without it no row can be read. */
			if ((size_t)n < nreq || (size_t)n > nwant) {
				char cols[256] = "";

				for (i = 0; i < nwant; i++)
					snprintf(cols + strlen(cols),
					    sizeof(cols) - strlen(cols),
					    "%s%s%s%s", i ? "," : "",
					    i == nreq ? "[" : "", want[i],
					    i + 1 == nwant && nwant > nreq ?
					    "]" : "");
				table_errs_add(te, "%s:%d: header must be "
				    "'%s'", path, lineno, cols);
				goto out;
			}
			for (i = 0; i < (size_t)n; i++)
				if (strcmp(cells[i], want[i]) != 0) {
					table_errs_add(te, "%s:%d: column %zu "
					    "is '%s', expected '%s'", path,
					    lineno, i + 1, cells[i], want[i]);
					goto out;
				}
			ncols = (size_t)n;
			continue;
		}
		if ((size_t)n != ncols) {
			table_errs_add(te, "%s:%d: %d cells, the header has "
			    "%zu", path, lineno, n, ncols);
			continue;
		}
		if ((msg = fn(arg, ncols, cells, lineno)) != NULL) {
			table_errs_add(te, "%s:%d: %s", path, lineno, msg);
			continue;
		}
		rows++;
	}
	if (ferror(fp))
		table_errs_add(te, "cannot read '%s': %s", path,
		    strerror(errno));
	else if (ncols == 0)
		table_errs_add(te, "%s: no header row", path);
out:
	fclose(fp);
	return rows;
}

enum rc
table_read(const char *path, const char *const *want, size_t nreq,
    size_t nwant, table_row_fn fn, void *arg, size_t *nrows, struct err *e)
{
	struct table_errs te;
	size_t n;

	table_errs_init(&te, path, e);
	n = table_read_rows(path, want, nreq, nwant, fn, arg, &te);
	if (nrows != NULL)
		*nrows = n;
	return table_errs_end(&te);
}

int
customer_valid(const char *c)
{
	size_t n = strlen(c), i;

	if (n == 0 || n > MAX_CUSTOMER_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			return 0;
	return 1;
}

/* n digits at s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
table_time(const char *s, int64_t *out)
{
	struct tm tm, back;
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0, zh, zm;
	size_t n = strlen(s), i;
	time_t t;

	if (n < 10 || s[4] != '-' || s[7] != '-' ||
	    (y = digits(s, 4)) < 1970 || (mo = digits(s + 5, 2)) < 1 ||
	    mo > 12 || (d = digits(s + 8, 2)) < 1 || d > 31)
		return -1;
	i = 10;
	if (i < n) {
		if ((s[i] != 'T' && s[i] != ' ') || n < i + 6 ||
		    (h = digits(s + i + 1, 2)) < 0 || h > 23 ||
		    s[i + 3] != ':' || (mi = digits(s + i + 4, 2)) < 0 ||
		    mi > 59)
			return -1;
		i += 6;
		if (i < n && s[i] == ':') {
			if (n < i + 3 || (sec = digits(s + i + 1, 2)) < 0 ||
			    sec > 60)
				return -1;
			i += 3;
		}
		if (i < n && s[i] == 'Z') {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			if (n < i + 6 || (zh = digits(s + i + 1, 2)) < 0 ||
			    zh > 23 || s[i + 3] != ':' ||
			    (zm = digits(s + i + 4, 2)) < 0 || zm > 59)
				return -1;
			off = (zh * 60 + zm) * 60 * (s[i] == '-' ? -1 : 1);
			i += 6;
		}
		if (i != n)
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	back = tm;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	/* timegm moves 2026-02-31 to March; such a date is a typo. */
	if (tm.tm_mday != back.tm_mday || tm.tm_mon != back.tm_mon)
		return -1;
	*out = (int64_t)t - off;
	return 0;
}

/* String map: open addressing with linear probing, at most half full.
 * Slots carry the hash, so a probe rarely touches a key. */

static uint32_t
key_hash(const char *k, size_t n, int icase)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];

		if (icase && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static int
key_eq(const struct strmap *m, uint32_t id, const char *k, size_t n)
{
	const char *s = m->key[id];

	if (m->icase)
		return ascii_ncasecmp(s, k, n) == 0 && s[n] == '\0';
	return memcmp(s, k, n) == 0 && s[n] == '\0';
}

void
strmap_init(struct strmap *m, int icase)
{
	memset(m, 0, sizeof(*m));
	m->icase = icase;
}

void
strmap_release(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->key[i]);
	free(m->key);
	free(m->slot);
	strmap_init(m, m->icase);
}

/* The slot of (k, n), or of the empty slot where it would go. */
static size_t
probe(const struct strmap *m, const char *k, size_t n, uint32_t h)
{
	size_t i;

	for (i = h & (m->nslots - 1);; i = (i + 1) & (m->nslots - 1))
		if (m->slot[i].id1 == 0 || (m->slot[i].hash == h &&
		    key_eq(m, m->slot[i].id1 - 1, k, n)))
			return i;
}

int64_t
strmap_find(const struct strmap *m, const char *k, size_t n)
{
	size_t i;

	if (m->nslots == 0)
		return -1;
	i = probe(m, k, n, key_hash(k, n, m->icase));
	return m->slot[i].id1 ? (int64_t)m->slot[i].id1 - 1 : -1;
}

static void
grow(struct strmap *m)
{
	size_t ns = m->nslots ? m->nslots * 2 : 64, i, j;
	struct strmap_slot *old = m->slot;

	m->slot = xcalloc(ns, sizeof(*m->slot));
	for (i = 0; i < m->nslots; i++) {
		if (old[i].id1 == 0)
			continue;
		for (j = old[i].hash & (ns - 1); m->slot[j].id1 != 0;
		    j = (j + 1) & (ns - 1))
			;
		m->slot[j] = old[i];
	}
	m->nslots = ns;
	free(old);
}

uint32_t
strmap_add(struct strmap *m, const char *k, size_t n, int *added)
{
	uint32_t h = key_hash(k, n, m->icase);
	size_t i;

	if ((m->n + 1) * 2 > m->nslots)
		grow(m);
	i = probe(m, k, n, h);
	if (added != NULL)
		*added = m->slot[i].id1 == 0;
	if (m->slot[i].id1 != 0)
		return m->slot[i].id1 - 1;
	if (m->n >= UINT32_MAX - 1)
		abort();
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? m->alloc * 2 : 64;
		m->key = xrealloc(m->key, m->alloc * sizeof(*m->key));
	}
	m->key[m->n] = xstrndup(k, n);
	m->slot[i].id1 = (uint32_t)m->n + 1;
	m->slot[i].hash = h;
	return (uint32_t)m->n++;
}

const char *
strmap_key(const struct strmap *m, uint32_t id)
{
	return id < m->n ? m->key[id] : NULL;
}

size_t
strmap_count(const struct strmap *m)
{
	return m->n;
}
