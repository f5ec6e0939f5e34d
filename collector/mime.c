#include "autoconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "bounds.h"
#include "mime.h"

/*
 * Everything a parsed message points to lives in one arena of large
 * blocks, freed at once: a message is parsed, read and dropped, so
 * per-object frees would only cost time.
 */
struct block {
	struct block	*next;
	size_t		 used, size;
	char		 data[];
};

struct msg_arena {
	struct block	*head;
};

#define BLOCK_SIZE	(32u * 1024)

static void *
arena_alloc(struct msg *m, size_t n)
{
	struct block *b = m->arena->head;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->size - b->used < n) {
		size_t sz = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;

		b = xmalloc(sizeof(*b) + sz);
		b->size = sz;
		b->used = 0;
		if (sz == n && m->arena->head != NULL) {
			/* A big one-off goes behind the current block so the
			 * current block keeps serving small requests. */
			b->next = m->arena->head->next;
			m->arena->head->next = b;
		} else {
			b->next = m->arena->head;
			m->arena->head = b;
		}
	}
	b->used += n;
	return b->data + b->used - n;
}

char *
msg_strndup(struct msg *m, const char *p, size_t n)
{
	char *s = arena_alloc(m, n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

void
limits_default(struct limits *l)
{
	l->message_size = MAX_MESSAGE_SIZE;
	l->mime_depth = MAX_MIME_DEPTH;
	l->mime_parts = MAX_MIME_PARTS;
	l->headers = MAX_HEADERS;
	l->header_len = MAX_HEADER_LEN;
	l->decoded_size = MAX_DECODED_SIZE;
}

void
msg_release(struct msg *m)
{
	struct block *b, *n;

	if (m->arena != NULL) {
		for (b = m->arena->head; b != NULL; b = n) {
			n = b->next;
			free(b);
		}
		free(m->arena);
	}
	memset(m, 0, sizeof(*m));
}

/* Parsing state: the first limit hit stops everything and is reported. */
struct ctx {
	struct msg	*m;
	struct err	*e;
};

static int
over(struct ctx *c)
{
	return c->e->rc != RC_OK;
}

static struct part *
new_part(struct ctx *c, struct part *parent)
{
	struct part *p;

	if (c->m->nparts >= c->m->lim->mime_parts) {
		if (!over(c))
			err_set(c->e, RC_REJECT, "more than %zu MIME parts",
			    c->m->lim->mime_parts);
		return NULL;
	}
	p = arena_alloc(c->m, sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->type = "text/plain";
	p->parent = parent;
	p->depth = parent ? parent->depth + 1 : 0;
	if (p->depth > c->m->lim->mime_depth) {
		err_set(c->e, RC_REJECT, "MIME nesting deeper than %d",
		    c->m->lim->mime_depth);
		return NULL;
	}
	if (parent != NULL) {
		struct part **tail = &parent->child;

		while (*tail != NULL)
			tail = &(*tail)->next;
		*tail = p;
	}
	c->m->nparts++;
	return p;
}

static char *
lower_dup(struct msg *m, const char *s)
{
	size_t n = strlen(s), i;
	char *d = msg_strndup(m, s, n);

	for (i = 0; i < n; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

/* Append one field, unfolding its value. */
static int
add_field(struct ctx *c, struct hdrs *h, size_t *alloc, const char *name,
    const char *value)
{
	size_t vn = strlen(value), i, j;
	char *v;

	if (h->n >= c->m->lim->headers) {
		err_set(c->e, RC_REJECT, "more than %zu header fields",
		    c->m->lim->headers);
		return -1;
	}
	if (vn > c->m->lim->header_len) {
		err_set(c->e, RC_REJECT, "header field '%.60s' is longer "
		    "than %zu bytes", name, c->m->lim->header_len);
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
		    "than %zu bytes", h->v[h->n - 1].name,
		    c->m->lim->header_len);
		return -1;
	}
	v = arena_alloc(c->m, on + n + 2);
	memcpy(v, old, on);
	v[on] = ' ';
	memcpy(v + on + 1, p, n);
	v[on + 1 + n] = '\0';
	h->v[h->n - 1].value = v;
	return 0;
}

static size_t
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
static size_t
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

				add_field(c, out, &alloc,
				    fl->fld_data.fld_optional_field->fld_name,
				    fl->fld_data.fld_optional_field->fld_value);
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
	struct err e = { RC_OK, "" };
	struct ctx c = { m, &e };

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

static const char *
type_name(struct msg *m, struct mailmime_content *ct)
{
	const char *t = "application";
	char tmp[256];

	if (ct == NULL || ct->ct_type == NULL)
		return "text/plain";
	if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		struct mailmime_discrete_type *d =
		    ct->ct_type->tp_data.tp_discrete_type;

		switch (d->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT: t = "text"; break;
		case MAILMIME_DISCRETE_TYPE_IMAGE: t = "image"; break;
		case MAILMIME_DISCRETE_TYPE_AUDIO: t = "audio"; break;
		case MAILMIME_DISCRETE_TYPE_VIDEO: t = "video"; break;
		case MAILMIME_DISCRETE_TYPE_EXTENSION:
			t = d->dt_extension ? d->dt_extension : "x-unknown";
			break;
		default: break;
		}
	} else {
		struct mailmime_composite_type *k =
		    ct->ct_type->tp_data.tp_composite_type;

		if (k->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE)
			t = "message";
		else if (k->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART)
			t = "multipart";
		else
			t = k->ct_token ? k->ct_token : "x-unknown";
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", t,
	    ct->ct_subtype ? ct->ct_subtype : "") >= sizeof(tmp))
		return "application/octet-stream";
	return lower_dup(m, tmp);
}

static void
set_type(struct ctx *c, struct part *p, struct mailmime *mm)
{
	struct mailmime_content *ct = mm ? mm->mm_content_type : NULL;
	char *v;

	p->type = type_name(c->m, ct);
	if (ct == NULL)
		return;
	if ((v = mailmime_content_charset_get(ct)) != NULL)
		p->charset = lower_dup(c->m, v);
	if ((v = mailmime_content_param_get(ct, (char *)(uintptr_t)"name")) != NULL)
		p->filename = msg_strndup(c->m, v, strlen(v));
	if (mm->mm_mime_fields != NULL) {
		clistiter *it;

		for (it = clist_begin(mm->mm_mime_fields->fld_list); it;
		    it = clist_next(it)) {
			struct mailmime_field *f = clist_content(it);
			clistiter *j;

			if (f->fld_type != MAILMIME_FIELD_DISPOSITION)
				continue;
			for (j = clist_begin(f->fld_data.fld_disposition->
			    dsp_parms); j; j = clist_next(j)) {
				struct mailmime_disposition_parm *d =
				    clist_content(j);

				if (d->pa_type ==
				    MAILMIME_DISPOSITION_PARM_FILENAME)
					p->filename = msg_strndup(c->m,
					    d->pa_data.pa_filename,
					    strlen(d->pa_data.pa_filename));
			}
		}
	}
}

/* Remove the transfer encoding of a leaf body into the arena. */
static void
set_body(struct ctx *c, struct part *p, struct mailmime_data *d)
{
	const char *src;
	size_t n, idx = 0, outlen = 0;
	char *out = NULL;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return;
	src = d->dt_data.dt_text.dt_data;
	n = d->dt_data.dt_text.dt_length;
	if (d->dt_encoding == MAILMIME_MECHANISM_BASE64 ||
	    d->dt_encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE) {
		if (mailmime_part_parse(src, n, &idx, d->dt_encoding, &out,
		    &outlen) != MAILIMF_NO_ERROR) {
			/* Undecodable: keep the text as it stands. */
			out = NULL;
		} else {
			src = out;
			n = outlen;
		}
	}
	if (n > c->m->lim->decoded_size - c->m->decoded) {
		err_set(c->e, RC_REJECT, "decoded parts exceed %zu bytes",
		    c->m->lim->decoded_size);
	} else {
		c->m->decoded += n;
		p->body = out ? msg_strndup(c->m, src, n) : src;
		p->body_len = n;
	}
	if (out != NULL)
		mailmime_decoded_part_free(out);
}

static const char *
data_start(struct mailmime_data *d, const char *dflt)
{
	return d && d->dt_type == MAILMIME_DATA_TEXT ?
	    d->dt_data.dt_text.dt_data : dflt;
}

static void fill_content(struct ctx *, struct part *, struct mailmime *);
static struct part *parse_message(struct ctx *, struct part *, const char *,
    size_t);

/* A part of a multipart: its own headers, then its content. */
static void
convert_part(struct ctx *c, struct part *parent, struct mailmime *mm)
{
	struct part *p;
	const char *body;

	if ((p = new_part(c, parent)) == NULL)
		return;
	body = data_start(mm->mm_body, mm->mm_mime_start + mm->mm_length);
	if (body >= mm->mm_mime_start)
		split_headers(c, mm->mm_mime_start,
		    (size_t)(body - mm->mm_mime_start), &p->hdrs);
	if (over(c))
		return;
	set_type(c, p, mm);
	if (mm->mm_type == MAILMIME_MESSAGE) {
		p->type = strcmp(p->type, "text/plain") == 0 ?
		    "message/rfc822" : p->type;
		if (mm->mm_body != NULL &&
		    (mm->mm_body->dt_encoding == MAILMIME_MECHANISM_BASE64 ||
		    mm->mm_body->dt_encoding ==
		    MAILMIME_MECHANISM_QUOTED_PRINTABLE)) {
			/* Forbidden by RFC 2046 but seen: decode, then read
			 * the result as the embedded message. */
			set_body(c, p, mm->mm_body);
			if (!over(c) && p->body != NULL)
				parse_message(c, p, p->body, p->body_len);
			return;
		}
		struct part *inner = new_part(c, p);
		const char *hs, *he;

		if (inner == NULL)
			return;
		inner->is_message = 1;
		hs = data_start(mm->mm_body, NULL);
		if (hs == NULL)
			return;
		he = mm->mm_data.mm_message.mm_msg_mime ?
		    data_start(mm->mm_data.mm_message.mm_msg_mime->mm_body,
		    hs + mm->mm_body->dt_data.dt_text.dt_length) :
		    hs + mm->mm_body->dt_data.dt_text.dt_length;
		if (he >= hs)
			split_headers(c, hs, (size_t)(he - hs), &inner->hdrs);
		if (!over(c))
			fill_content(c, inner,
			    mm->mm_data.mm_message.mm_msg_mime);
		return;
	}
	if (mm->mm_type == MAILMIME_SINGLE &&
	    (strcmp(p->type, "message/rfc822") == 0 ||
	    strcmp(p->type, "message/global") == 0)) {
		set_body(c, p, mm->mm_body);
		if (!over(c) && p->body != NULL)
			parse_message(c, p, p->body, p->body_len);
		return;
	}
	fill_content(c, p, mm);
}

/* The content of a node whose headers are already read. */
static void
fill_content(struct ctx *c, struct part *p, struct mailmime *mm)
{
	clistiter *it;

	if (mm == NULL)
		return;
	set_type(c, p, mm);
	if (mm->mm_type == MAILMIME_MULTIPLE) {
		for (it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list);
		    it != NULL && !over(c); it = clist_next(it))
			convert_part(c, p, clist_content(it));
	} else if (mm->mm_type == MAILMIME_SINGLE) {
		set_body(c, p, mm->mm_body);
	}
}

/* Count what would make libetpan recurse, before it does: each nested
 * level needs its own Content-Type naming a composite type. */
static int
composite_count(const char *p, size_t n, size_t max)
{
	static const char *const pats[] = { "multipart/", "message/rfc822",
	    "message/global" };
	size_t k, count = 0, i;

	for (k = 0; k < sizeof(pats) / sizeof(pats[0]); k++) {
		const char *s = p, *hit;

		i = n;
		while ((hit = memcasemem(s, i, pats[k])) != NULL) {
			if (++count > max)
				return -1;
			i -= (size_t)(hit - s) + 1;
			s = hit + 1;
		}
	}
	return 0;
}

/* Parse (p, n) as a message and hang it under parent (NULL: the root). */
static struct part *
parse_message(struct ctx *c, struct part *parent, const char *p, size_t n)
{
	struct mailmime *mm = NULL;
	struct part *node;
	size_t idx = 0, hlen;
	struct hdrs h;

	if (n >= 5 && memcmp(p, "From ", 5) == 0) {
		size_t e = line_end(p, n, 0);

		p += e;
		n -= e;
	}
	hlen = split_headers(c, p, n, &h);
	if (over(c) || h.n == 0)
		return NULL;
	if (composite_count(p, n, c->m->lim->mime_parts) < 0) {
		err_set(c->e, RC_REJECT, "more than %zu MIME parts",
		    c->m->lim->mime_parts);
		return NULL;
	}
	if ((node = new_part(c, parent)) == NULL)
		return NULL;
	node->is_message = 1;
	node->hdrs = h;
	if (mailmime_parse(p, n, &idx, &mm) != MAILIMF_NO_ERROR ||
	    mm == NULL) {
		/* Headers without a readable MIME structure: keep the rest
		 * as a plain body. */
		node->body = p + hlen;
		node->body_len = n - hlen;
		return node;
	}
	if (mm->mm_type == MAILMIME_MESSAGE &&
	    mm->mm_data.mm_message.mm_msg_mime != NULL) {
		fill_content(c, node, mm->mm_data.mm_message.mm_msg_mime);
	} else {
		node->body = p + hlen;
		node->body_len = n - hlen;
	}
	mailmime_free(mm);
	return over(c) ? NULL : node;
}

struct part *
mime_parse_embedded(struct msg *m, struct part *parent, const char *p,
    size_t n)
{
	struct err e = { RC_OK, "" };
	struct ctx c = { m, &e };

	return parse_message(&c, parent, p, n);
}

/* Bare CR line ends (old Mac mail) become LF; CRLF stays. */
static const char *
normalise_cr(struct msg *m, const char *raw, size_t len)
{
	const char *cr = memchr(raw, '\r', len);
	char *copy;
	size_t i;

	while (cr != NULL && (size_t)(cr - raw) + 1 < len && cr[1] == '\n')
		cr = memchr(cr + 1, '\r', len - (size_t)(cr + 1 - raw));
	if (cr == NULL)
		return raw;
	copy = arena_alloc(m, len);
	memcpy(copy, raw, len);
	for (i = 0; i < len; i++)
		if (copy[i] == '\r' && (i + 1 == len || copy[i + 1] != '\n'))
			copy[i] = '\n';
	return copy;
}

enum rc
mime_parse(struct msg *m, const char *raw, size_t len,
    const struct limits *lim, struct err *e)
{
	struct ctx c = { m, e };
	const char *p;

	memset(m, 0, sizeof(*m));
	m->raw = raw;
	m->len = len;
	m->lim = lim;
	m->arena = xcalloc(1, sizeof(*m->arena));
	err_clear(e);
	if (len > lim->message_size) {
		err_set(e, RC_REJECT, "message of %zu bytes is over the "
		    "limit of %zu", len, lim->message_size);
		goto fail;
	}
	p = normalise_cr(m, raw, len);
	m->root = parse_message(&c, NULL, p, len);
	if (m->root == NULL) {
		if (!over(&c))
			err_set(e, RC_REJECT, "no header block");
		goto fail;
	}
	return RC_OK;
fail:
	msg_release(m);
	return e->rc;
}

struct part *
part_walk(struct part *root, struct part *prev)
{
	if (prev == NULL)
		return root;
	if (prev->child != NULL)
		return prev->child;
	while (prev != NULL && prev != root) {
		if (prev->next != NULL)
			return prev->next;
		prev = prev->parent;
	}
	return NULL;
}

struct part *
part_find(struct part *root, const char *type)
{
	struct part *p = NULL;

	while ((p = part_walk(root, p)) != NULL)
		if (strcmp(p->type, type) == 0)
			return p;
	return NULL;
}
