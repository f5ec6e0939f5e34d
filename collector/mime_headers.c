/*
 * Header blocks: splitting them into fields (libetpan reads each field;
 * we unfold, bound and keep them, and tolerate the continuation lines
 * feedback loops write without indentation), and looking fields up.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "mime.h"
#include "mime_int.h"

/* Append one field, unfolding its value. */
static int
add_field(struct ctx *c, struct hdrs *h, size_t *alloc, const char *name,
    const char *value)
{
	size_t vn = strlen(value), i, j;
	char *v;

	if (h->n >= c->m->lim->headers) {
		err_set(c->e, RC_REJECT, "more than %zu header fields in one "
		    "block (max_headers)", c->m->lim->headers);
		return -1;
	}
	if (vn > c->m->lim->header_len) {
		err_set(c->e, RC_REJECT, "header field '%.60s' is longer "
		    "than %zu bytes (max_header_length)", name,
		    c->m->lim->header_len);
		return -1;
	}
	v = arena_alloc(c->m, vn + 1);
	for (i = j = 0; i < vn; i++)
		if (value[i] != '\r' && value[i] != '\n')
			v[j++] = value[i];
	while (j > 0 && isspace((unsigned char)v[j - 1]))
		j--;
	v[j] = '\0';
	if (h->n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 16;
		struct hdr *nv = arena_alloc(c->m, na * sizeof(*nv));

		if (h->n)
			memcpy(nv, h->v, h->n * sizeof(*nv));
		h->v = nv;
		*alloc = na;
	}
	h->v[h->n].name = msg_strndup(c->m, name, strlen(name));
	h->v[h->n].value = v;
	h->n++;
	return 0;
}

/* Join a line that lacks a colon to the field before it. */
static int
continue_field(struct ctx *c, struct hdrs *h, const char *p, size_t n)
{
	const char *old = h->v[h->n - 1].value;
	size_t on = strlen(old);
	char *v;

	trim(&p, &n);
	if (on + 1 + n > c->m->lim->header_len) {
		err_set(c->e, RC_REJECT, "header field '%.60s' is longer "
		    "than %zu bytes (max_header_length)", h->v[h->n - 1].name,
		    c->m->lim->header_len);
		return -1;
	}
	v = arena_alloc(c->m, on + n + 2);
	memcpy(v, old, on);
	if (on > 0)
		v[on++] = ' ';
	memcpy(v + on, p, n);
	v[on + n] = '\0';
	h->v[h->n - 1].value = v;
	return 0;
}

/*
 * A bare URL on a line of its own ("http://example.org/x" after
 * SpamCop's empty "Reported-URI:") reads as a field named "http"; it
 * continues the field before instead.
 */
static int
url_line(const char *name, const char *value)
{
	return (ascii_casecmp(name, "http") == 0 ||
	    ascii_casecmp(name, "https") == 0) && value[0] == '/' &&
	    value[1] == '/';
}

static void
continue_url(struct ctx *c, struct hdrs *h, const char *name,
    const char *value)
{
	char *url = xasprintf("%s:%s", name, value);

	(void)continue_field(c, h, url, strlen(url));
	free(url);
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

static size_t scan_headers(struct ctx *, const char *, size_t,
    struct hdrs *);

/* The length consumed never exceeds the input, even when a line end was
 * added for libetpan's sake. */
size_t
split_headers(struct ctx *c, const char *p, size_t n, struct hdrs *out)
{
	size_t used = scan_headers(c, p, n, out);

	return used > n ? n : used;
}

static size_t
scan_headers(struct ctx *c, const char *p, size_t n, struct hdrs *out)
{
	size_t i = 0, alloc = 0;

	memset(out, 0, sizeof(*out));
	if (n > 0 && p[n - 1] != '\n' && memmem(p, n, "\n\n", 2) == NULL &&
	    memmem(p, n, "\r\n\r\n", 4) == NULL) {
		/* A field block cut right before a boundary has no final line
		 * end, which libetpan needs to see the last field. */
		char *copy = arena_alloc(c->m, n + 1);

		memcpy(copy, p, n);
		copy[n] = '\n';
		p = copy;
		n++;
	}
	if (n >= 5 && memcmp(p, "From ", 5) == 0)
		i = line_end(p, n, 0);
	while (i < n && !over(c)) {
		struct mailimf_fields *f = NULL;
		size_t start = i, e;
		clistiter *it;

		if (blank_line_at(p, n, i))
			return line_end(p, n, i);
		if (mailimf_optional_fields_parse(p, n, &i, &f) ==
		    MAILIMF_NO_ERROR) {
			for (it = clist_begin(f->fld_list); it != NULL &&
			    !over(c); it = clist_next(it)) {
				struct mailimf_field *fl = clist_content(it);

				const char *fn = fl->fld_data.
				    fld_optional_field->fld_name;
				const char *fv = fl->fld_data.
				    fld_optional_field->fld_value;

				if (out->n > 0 && url_line(fn, fv))
					continue_url(c, out, fn, fv);
				else
					add_field(c, out, &alloc, fn, fv);
			}
			mailimf_fields_free(f);
		}
		if (i > start || over(c))
			continue;
		/* libetpan stopped on a line it cannot read as a field. */
		e = line_end(p, n, i);
		if (memchr(p + i, ':', e - i) == NULL && out->n > 0) {
			if (continue_field(c, out, p + i, e - i) < 0)
				break;
		} else if (memchr(p + i, ':', e - i) == NULL && out->n == 0 &&
		    i == 0) {
			/* Text before any field: not a header block. */
			return 0;
		}
		i = e;
	}
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

const char *
hdr_get_nth(const struct hdrs *h, const char *name, size_t nth)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (ascii_casecmp(h->v[i].name, name) == 0 && nth-- == 0)
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
		if (ascii_casecmp(h->v[i].name, name) == 0)
			k++;
	return k;
}
