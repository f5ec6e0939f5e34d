/*
 * Header blocks: splitting them into fields, unfolded and bounded, with
 * the tolerance feedback loops need (continuation lines written without
 * indentation, a bare URL on a line of its own), and looking fields up.
 *
 * The split is done here rather than with libetpan's field parser:
 * libetpan reads the MIME structure (and its own copy of the MIME
 * fields) anyway, and its generic field parser, which reads byte by byte
 * and allocates per field, cost as much as the rest of the parse.  What
 * is decoded from a value (encoded words, addresses, dates) is still read
 * with libetpan.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "mime_int.h"

/*
 * The state of one split.  A field that lines without a colon continue
 * is joined in buf, which grows by doubling, and copied into the arena
 * once, when the next field starts or the block ends: copying the whole
 * field again for each such line would cost its length squared.
 */
struct split {
	struct ctx	*c;
	struct hdrs	*h;
	size_t		 alloc;		/* slots of h->v */
	char		*buf;		/* the last field's value, while open */
	size_t		 len, cap;
	int		 open;		/* h->v[h->n - 1].value is in buf */
};

/* Append (p, n) to buf, CR and LF removed; room was made by the caller. */
static void
buf_put(struct split *s, const char *p, size_t n)
{
	for (; n > 0; p++, n--)
		if (*p != '\r' && *p != '\n')
			s->buf[s->len++] = *p;
}

static void
buf_reserve(struct split *s, size_t n)
{
	if (s->cap >= n)
		return;
	while (s->cap < n)
		s->cap = s->cap ? s->cap * 2 : 256;
	s->buf = xrealloc(s->buf, s->cap);
}

/* The open field's value goes into the arena. */
static void
close_field(struct split *s)
{
	if (!s->open)
		return;
	s->h->v[s->h->n - 1].value = msg_strndup(s->c->m, s->buf, s->len);
	s->open = 0;
}

/* Append one field, unfolding its value (CR and LF removed, white space
 * at both ends trimmed). */
static int
add_field(struct split *s, const char *name, size_t nn, const char *value,
    size_t vn)
{
	struct ctx *c = s->c;
	struct hdrs *h = s->h;
	size_t i, j;
	char *v;

	close_field(s);
	if (h->n >= c->m->lim->headers) {
		err_set(c->e, RC_REJECT, "more than %zu header fields in one "
		    "block (max_headers)", c->m->lim->headers);
		return -1;
	}
	trim(&value, &vn);
	if (vn > c->m->lim->header_len) {
		err_set(c->e, RC_REJECT, "header field '%.*s' is longer "
		    "than %zu bytes (max_header_length)",
		    (int)(nn < 60 ? nn : 60), name, c->m->lim->header_len);
		return -1;
	}
	v = arena_alloc(c->m, vn + 1);
	for (i = j = 0; i < vn; i++)
		if (value[i] != '\r' && value[i] != '\n')
			v[j++] = value[i];
	v[j] = '\0';
	if (h->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 16;
		struct hdr *nv = arena_alloc(c->m, na * sizeof(*nv));

		if (h->n)
			memcpy(nv, h->v, h->n * sizeof(*nv));
		h->v = nv;
		s->alloc = na;
	}
	h->v[h->n].name = msg_strndup(c->m, name, nn);
	h->v[h->n].value = v;
	h->n++;
	return 0;
}

/* Join a line that lacks a colon to the field before it. */
static int
continue_field(struct split *s, const char *p, size_t n)
{
	struct ctx *c = s->c;
	struct hdr *last = &s->h->v[s->h->n - 1];

	if (!s->open) {
		size_t on = strlen(last->value);

		buf_reserve(s, on + 1);
		memcpy(s->buf, last->value, on);
		s->len = on;
		s->open = 1;
	}
	trim(&p, &n);
	if (s->len + 1 + n > c->m->lim->header_len) {
		err_set(c->e, RC_REJECT, "header field '%.60s' is longer "
		    "than %zu bytes (max_header_length)", last->name,
		    c->m->lim->header_len);
		return -1;
	}
	buf_reserve(s, s->len + 1 + n);
	if (s->len > 0)
		s->buf[s->len++] = ' ';
	buf_put(s, p, n);
	return 0;
}

/*
 * A bare URL on a line of its own ("http://example.org/x" after
 * SpamCop's empty "Reported-URI:") reads as a field named "http"; it
 * continues the field before instead.
 */
static int
url_line(const char *name, size_t nn, const char *value, size_t vn)
{
	return ((nn == 4 && ascii_ncasecmp(name, "http", 4) == 0) ||
	    (nn == 5 && ascii_ncasecmp(name, "https", 5) == 0)) && vn >= 2 &&
	    value[0] == '/' && value[1] == '/';
}

size_t
line_end(const char *p, size_t n, size_t i)
{
	const char *nl = memchr(p + i, '\n', n - i);

	return nl ? (size_t)(nl - p) + 1 : n;
}

static int
blank_line_at(const char *p, size_t n, size_t i)
{
	return i < n && (p[i] == '\n' ||
	    (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'));
}

size_t
field_name_len(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (unsigned char)p[i] > 32 && (unsigned char)p[i] < 127 &&
	    p[i] != ':')
		i++;
	return i;
}

size_t
split_headers(struct ctx *c, const char *p, size_t n, struct hdrs *out)
{
	struct split s;
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.h = out;
	if (n >= 5 && memcmp(p, "From ", 5) == 0)
		i = line_end(p, n, 0);
	while (i < n && !over(c)) {
		size_t e = line_end(p, n, i), end = e, nn, k;

		if (blank_line_at(p, n, i)) {
			i = e;
			goto out;
		}
		/* The field goes on over the indented lines after it. */
		while (end < n && (p[end] == ' ' || p[end] == '\t'))
			end = line_end(p, n, end);
		nn = field_name_len(p + i, e - i);
		for (k = i + nn; k < e && (p[k] == ' ' || p[k] == '\t'); k++)
			;
		if (nn > 0 && k < e && p[k] == ':') {
			const char *v = p + k + 1;
			size_t vn = end - (k + 1);

			if (out->n > 0 && url_line(p + i, nn, v, vn))
				(void)continue_field(&s, p + i, end - i);
			else
				(void)add_field(&s, p + i, nn, v, vn);
		} else if (memchr(p + i, ':', e - i) == NULL) {
			/* A line without a colon continues the field before;
			 * before any field, this is no header block. */
			if (out->n == 0) {
				i = 0;
				goto out;
			}
			(void)continue_field(&s, p + i, end - i);
		}
		/* Else a line with a colon that names no field: skipped. */
		i = end;
	}
out:
	close_field(&s);
	free(s.buf);
	return i;
}

size_t
mime_split_headers(struct msg *m, const char *p, size_t n, struct hdrs *out)
{
	struct ctx c = { m, &m->err };

	if (over(&c)) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	return split_headers(&c, p, n, out);
}

/* Names equal in any case have first bytes equal after | 0x20: a test
 * that rules out most fields of a block before ascii_casecmp. */
#define FIRST_MAY_EQUAL(a, b) \
	(((unsigned char)(a)[0] | 0x20) == ((unsigned char)(b)[0] | 0x20))

const char *
hdr_get_nth(const struct hdrs *h, const char *name, size_t nth)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (FIRST_MAY_EQUAL(h->v[i].name, name) &&
		    ascii_casecmp(h->v[i].name, name) == 0 && nth-- == 0)
			return h->v[i].value;
	return NULL;
}

const char *
hdr_get(const struct hdrs *h, const char *name)
{
	return hdr_get_nth(h, name, 0);
}

size_t
hdr_count(const struct hdrs *h, const char *name)
{
	size_t i, k = 0;

	for (i = 0; i < h->n; i++)
		if (FIRST_MAY_EQUAL(h->v[i].name, name) &&
		    ascii_casecmp(h->v[i].name, name) == 0)
			k++;
	return k;
}
