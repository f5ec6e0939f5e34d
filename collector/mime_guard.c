/*
 * The nesting estimate made before libetpan sees a message (see guard()
 * in mime_int.h).
 */
#include "autoconf.h"

#include <ctype.h>
#include <string.h>

#include "bounds.h"
#include "mime.h"
#include "mime_int.h"

/*
 * What libetpan would do with the text, estimated before it does it.
 * libetpan builds the whole tree recursively (one level per nested
 * multipart or message part, one per nested comment in a structured
 * field) and scans each multipart body once per level, so a nesting bomb
 * costs stack and size times depth in time before our own depth check
 * could run.  The estimate follows libetpan's rules: a multipart level
 * opens with a Content-Type field naming a boundary, and a line starting
 * with "--" and an open boundary closes every level opened after it.
 */
#define GUARD_STACK	(64 + MIME_DEPTH_SLACK + 2)

struct guard {
	const char	*bound[GUARD_STACK];	/* NULL: a message level */
	size_t		 blen[GUARD_STACK];
	size_t		 n;
	int		 depth;			/* tree levels the stack makes */
};

static int
level_weight(const struct guard *g, size_t i)
{
	/* A message/rfc822 part adds itself and the message node. */
	return g->bound[i] == NULL ? 2 : 1;
}

static void
guard_pop(struct guard *g, size_t keep)
{
	while (g->n > keep) {
		g->n--;
		g->depth -= level_weight(g, g->n);
	}
}

static void
guard_push(struct guard *g, const char *b, size_t bl)
{
	if (g->n == GUARD_STACK) {
		/* Deeper than any allowed limit anyway: count, keep nothing. */
		g->depth += b == NULL ? 2 : 1;
		return;
	}
	g->bound[g->n] = b;
	g->blen[g->n] = bl;
	g->depth += level_weight(g, g->n);
	g->n++;
}

/* The boundary parameter of a Content-Type field (p, n), or NULL. */
static const char *
field_boundary(const char *p, size_t n, size_t *bl)
{
	const char *b = memcasemem(p, n, "boundary"), *e, *end = p + n;

	if (b == NULL)
		return NULL;
	b += strlen("boundary");
	while (b < end && (*b == ' ' || *b == '\t' || *b == '\r' ||
	    *b == '\n'))
		b++;
	if (b == end || *b != '=')
		return NULL;
	b++;
	while (b < end && (*b == ' ' || *b == '\t'))
		b++;
	if (b < end && *b == '"') {
		b++;
		e = memchr(b, '"', (size_t)(end - b));
		if (e == NULL)
			return NULL;
	} else {
		for (e = b; e < end && *e != ';' &&
		    !isspace((unsigned char)*e); e++)
			;
	}
	*bl = (size_t)(e - b);
	return *bl ? b : NULL;
}

/* A Content-Type field spanning (p, n): push what it opens.  Returns 1
 * for a message type (its body is a message: a header block again). */
static int
guard_field(struct guard *g, const char *p, size_t n, size_t *composite)
{
	const char *b;
	size_t bl;

	if (memcasemem(p, n, "multipart") != NULL) {
		(*composite)++;
		if ((b = field_boundary(p, n, &bl)) != NULL)
			guard_push(g, b, bl);
	} else if (memcasemem(p, n, "rfc822") != NULL ||
	    memcasemem(p, n, "message/global") != NULL) {
		(*composite)++;
		guard_push(g, NULL, 0);
		return 1;
	}
	return 0;
}

enum delim { NOT_DELIM, DELIM_PART, DELIM_CLOSE };

/* A line starting with "--": the outermost open boundary it starts
 * ends the levels opened after it (and itself, with a trailing "--"). */
static enum delim
guard_delimiter(struct guard *g, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		if (g->bound[i] == NULL || n < 2 + g->blen[i] ||
		    memcmp(p + 2, g->bound[i], g->blen[i]) != 0)
			continue;
		if (n >= 4 + g->blen[i] && p[2 + g->blen[i]] == '-' &&
		    p[3 + g->blen[i]] == '-') {
			guard_pop(g, i);
			return DELIM_CLOSE;
		}
		guard_pop(g, i + 1);
		return DELIM_PART;
	}
	return NOT_DELIM;
}

/* A line that starts a header field the way split_headers() reads one:
 * a name, perhaps white space, a colon, and not a bare URL. */
static int
starts_field(const char *p, size_t n)
{
	size_t i = field_name_len(p, n);

	if (i == 0)
		return 0;
	if (i + 2 < n && p[i] == ':' && p[i + 1] == '/' && p[i + 2] == '/' &&
	    ((i == 4 && ascii_ncasecmp(p, "http", 4) == 0) ||
	    (i == 5 && ascii_ncasecmp(p, "https", 5) == 0)))
		return 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < n && p[i] == ':';
}

/* The deepest comment nesting on a line, continuing a field's count. */
static int
comment_depth(const char *p, size_t n, int *depth)
{
	int max = *depth;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '(' && ++*depth > max)
			max = *depth;
		else if (p[i] == ')' && *depth > 0)
			--*depth;
	}
	return max;
}

/*
 * Besides nesting, the guard follows header blocks (the message's, each
 * part's after its delimiter, and a message part's inner message) to
 * count their fields: libetpan allocates per field and per part, so a
 * message of many tiny fields or parts costs it many times its size.
 */
int
guard(struct ctx *c, const char *p, size_t n, int base, size_t *cost)
{
	const struct limits *lim = c->m->lim;
	struct guard g;
	size_t i = 0, composite = 0, parts = 0, fields = 0, block = 0;
	size_t hbytes = 0;
	int comments = 0, in_hdr = 1, msg_next = 0;

	memset(&g, 0, sizeof(g));
	*cost = 0;
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - p) + 1 : n;
		int cont = p[i] == ' ' || p[i] == '\t';
		int blank = p[i] == '\n' || (p[i] == '\r' && e - i == 2);
		enum delim d = NOT_DELIM;

		if (!cont)
			comments = 0;
		if (memchr(p + i, '(', e - i) != NULL &&
		    comment_depth(p + i, e - i, &comments) >
		    MAX_COMMENT_DEPTH) {
			err_set(c->e, RC_REJECT, "a header field nests "
			    "comments deeper than %d", MAX_COMMENT_DEPTH);
			return -1;
		}
		if (p[i] == '-' && e - i > 2 && p[i + 1] == '-') {
			d = guard_delimiter(&g, p + i, e - i);
		} else if (!cont && e - i > 12 &&
		    ascii_ncasecmp(p + i, "content-type", 12) == 0) {
			size_t fe = e;

			/* The field with its continuation lines. */
			while (fe < n && (p[fe] == ' ' || p[fe] == '\t')) {
				nl = memchr(p + fe, '\n', n - fe);
				fe = nl ? (size_t)(nl - p) + 1 : n;
			}
			if (guard_field(&g, p + i, fe - i, &composite) &&
			    in_hdr)
				msg_next = 1;
		}
		if (d != NOT_DELIM) {
			/* A part's header block follows its delimiter. */
			parts += d == DELIM_PART;
			in_hdr = d == DELIM_PART;
			msg_next = 0;
			block = 0;
		} else if (in_hdr && blank) {
			in_hdr = msg_next;
			msg_next = 0;
			block = 0;
		} else if (in_hdr) {
			hbytes += e - i;
			if (!cont && starts_field(p + i, e - i)) {
				fields++;
				if (++block > lim->headers) {
					err_set(c->e, RC_REJECT, "more than "
					    "%zu header fields in one block "
					    "(max_headers)", lim->headers);
					return -1;
				}
			}
		}
		if (composite > lim->mime_parts || parts > lim->mime_parts) {
			err_set(c->e, RC_REJECT, "more than %zu MIME parts "
			    "(max_mime_parts)", lim->mime_parts);
			return -1;
		}
		if (base + g.depth > lim->mime_depth + MIME_DEPTH_SLACK) {
			err_set(c->e, RC_REJECT, "MIME nesting deeper than %d "
			    "(max_mime_depth)", lim->mime_depth);
			return -1;
		}
		i = e;
	}
	/* libetpan copies the header text (its own fields and the MIME
	 * ones), and allocates per field and per part. */
	*cost = 2 * hbytes + fields * ETPAN_FIELD_COST +
	    (1 + parts + composite) * ETPAN_PART_COST;
	return 0;
}
