#include "autoconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "bounds.h"
#include "mime.h"
#include "mime_int.h"

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

static void
over_budget(struct msg *m, const char *what)
{
	err_set(&m->err, RC_REJECT, "parsing needs more than %zu bytes of "
	    "memory for %s (the budget of a message of %zu bytes: %zu times "
	    "its size plus %zu MiB)", m->mem_budget, what, m->len,
	    m->lim->mem_per_byte, m->lim->mem_base >> 20);
}

int
mem_take(struct ctx *c, size_t n, const char *what)
{
	struct msg *m = c->m;

	if (n > m->mem_budget || m->mem > m->mem_budget - n) {
		if (!over(c))
			over_budget(m, what);
		return -1;
	}
	m->mem += n;
	if (m->mem > m->mem_peak)
		m->mem_peak = m->mem;
	return 0;
}

void
mem_give(struct msg *m, size_t n)
{
	m->mem -= n < m->mem ? n : m->mem;
}

void *
arena_alloc(struct msg *m, size_t n)
{
	struct block *b = m->arena->head;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->size - b->used < n) {
		size_t sz = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;

		m->mem += sizeof(*b) + sz;
		if (m->mem > m->mem_peak)
			m->mem_peak = m->mem;
		if (m->mem > m->mem_budget && m->err.rc == RC_OK)
			over_budget(m, "the parts");
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
	l->mem_per_byte = PARSE_MEM_PER_BYTE;
	l->mem_base = PARSE_MEM_BASE;
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

static struct part *
new_part(struct ctx *c, struct part *parent)
{
	struct part *p;

	if (c->m->nparts >= c->m->lim->mime_parts) {
		if (!over(c))
			err_set(c->e, RC_REJECT, "more than %zu MIME parts "
			    "(max_mime_parts)", c->m->lim->mime_parts);
		return NULL;
	}
	p = arena_alloc(c->m, sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->type = "text/plain";
	p->parent = parent;
	p->depth = parent ? parent->depth + 1 : 0;
	if (p->depth > c->m->lim->mime_depth) {
		err_set(c->e, RC_REJECT, "MIME nesting deeper than %d "
		    "(max_mime_depth)", c->m->lim->mime_depth);
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
	if ((v = mailmime_content_param_get(ct,
	    (char *)(uintptr_t)"report-type")) != NULL)
		p->report_type = lower_dup(c->m, v);
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
	size_t n, idx = 0, outlen = 0, held = 0;
	char *out = NULL;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return;
	src = d->dt_data.dt_text.dt_data;
	n = d->dt_data.dt_text.dt_length;
	if (d->dt_encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE && n >= 2 &&
	    src[n - 2] == '=' && src[n - 1] != '\n' && src[n - 1] != '\r') {
		/* libetpan 1.9.4 reads one byte past a body that ends in a
		 * broken escape ("=x"); give it a line end to stop at. */
		char *copy = arena_alloc(c->m, n + 1);

		memcpy(copy, src, n);
		copy[n++] = '\n';
		src = copy;
	}
	if (d->dt_encoding == MAILMIME_MECHANISM_BASE64 ||
	    d->dt_encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE) {
		/* Decoding never makes text longer: n bytes cover it. */
		if (mem_take(c, n, "decoding a part") < 0)
			return;
		held = n;
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
		err_set(c->e, RC_REJECT, "decoded parts exceed %zu bytes "
		    "(max_decoded_size)", c->m->lim->decoded_size);
	} else {
		c->m->decoded += n;
		p->body = out ? msg_strndup(c->m, src, n) : src;
		p->body_len = n;
	}
	if (out != NULL)
		mailmime_decoded_part_free(out);
	mem_give(c->m, held);
}

char *
mime_base64(struct msg *m, const char *p, size_t n, size_t *outlen)
{
	struct ctx c = { m, &m->err };
	char *out = NULL, *r = NULL;
	size_t idx = 0, len = 0;

	if (over(&c) || mem_take(&c, n, "decoding base64") < 0)
		return NULL;
	if (mailmime_part_parse(p, n, &idx, MAILMIME_MECHANISM_BASE64, &out,
	    &len) != MAILIMF_NO_ERROR) {
		mem_give(m, n);
		return NULL;
	}
	if (len > m->lim->decoded_size - m->decoded) {
		err_set(c.e, RC_REJECT, "decoded parts exceed %zu bytes "
		    "(max_decoded_size)", m->lim->decoded_size);
	} else {
		m->decoded += len;
		r = msg_strndup(m, out, len);
		*outlen = len;
	}
	mailmime_decoded_part_free(out);
	mem_give(m, n);
	return r;
}

static const char *
data_start(struct mailmime_data *d, const char *dflt)
{
	return d && d->dt_type == MAILMIME_DATA_TEXT ?
	    d->dt_data.dt_text.dt_data : dflt;
}

/* An mbox separator line, as such or escaped by a delivery agent. */
static int
starts_mbox(const char *p, size_t n)
{
	return (n >= 5 && memcmp(p, "From ", 5) == 0) ||
	    (n >= 6 && memcmp(p, ">From ", 6) == 0);
}

static void fill_content(struct ctx *, struct part *, struct mailmime *);
static void fill_message(struct ctx *, struct part *, struct mailmime *);
static struct part *parse_message(struct ctx *, struct part *, const char *,
    size_t);

/*
 * The content of a message/rfc822 (or message/global) part p: the
 * message inside becomes a message node below p.
 */
static void
fill_message(struct ctx *c, struct part *p, struct mailmime *mm)
{
	struct part *inner;
	const char *hs, *he;
	size_t n;

	if (strcmp(p->type, "text/plain") == 0)
		p->type = "message/rfc822";
	if (mm->mm_type == MAILMIME_SINGLE) {
		/* Base64 or quoted-printable, forbidden by RFC 2046 but
		 * seen: decode, then read the result as the message. */
		set_body(c, p, mm->mm_body);
		if (!over(c) && p->body != NULL)
			parse_message(c, p, p->body, p->body_len);
		p->body = NULL;
		p->body_len = 0;
		return;
	}
	hs = data_start(mm->mm_body, NULL);
	if (hs == NULL)
		return;
	n = mm->mm_body->dt_data.dt_text.dt_length;
	if (starts_mbox(hs, n)) {
		/* libetpan read the separator as the header block; read the
		 * text again without it. */
		parse_message(c, p, hs, n);
		return;
	}
	if ((inner = new_part(c, p)) == NULL)
		return;
	inner->is_message = 1;
	he = mm->mm_data.mm_message.mm_msg_mime ?
	    data_start(mm->mm_data.mm_message.mm_msg_mime->mm_body, hs + n) :
	    hs + n;
	if (he >= hs)
		split_headers(c, hs, (size_t)(he - hs), &inner->hdrs);
	if (!over(c))
		fill_content(c, inner, mm->mm_data.mm_message.mm_msg_mime);
}

static int
is_message_type(const char *type)
{
	return strcmp(type, "message/rfc822") == 0 ||
	    strcmp(type, "message/global") == 0;
}

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
	if (!over(c))
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
	if (mm->mm_type == MAILMIME_MESSAGE ||
	    (mm->mm_type == MAILMIME_SINGLE && is_message_type(p->type))) {
		fill_message(c, p, mm);
	} else if (mm->mm_type == MAILMIME_MULTIPLE) {
		for (it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list);
		    it != NULL && !over(c); it = clist_next(it))
			convert_part(c, p, clist_content(it));
	} else if (mm->mm_type == MAILMIME_SINGLE) {
		set_body(c, p, mm->mm_body);
	}
}

/*
 * Line ends as libetpan reads them.  CRLF stays; a run of CRs before LF
 * is one line end (CRLF stored and then served with each LF turned into
 * CRLF again arrives as CR CR LF), kept as CRLF; a bare CR (old Mac mail)
 * becomes LF.  NUL bytes become spaces, since libetpan hands out C
 * strings and would cut a field at the first NUL.  A copy is made only
 * when needed; *n gets its length.  The raw bytes (what is stored and
 * hashed) are never changed.
 */
static const char *
normalise(struct msg *m, const char *raw, size_t *n)
{
	const char *cr = memchr(raw, '\r', *n);
	size_t len = *n, i, j, k;
	char *copy;

	while (cr != NULL && (size_t)(cr - raw) + 1 < len && cr[1] == '\n')
		cr = memchr(cr + 1, '\r', len - (size_t)(cr + 1 - raw));
	if (cr == NULL && memchr(raw, '\0', len) == NULL)
		return raw;
	copy = arena_alloc(m, len);
	for (i = j = 0; i < len; i++) {
		if (raw[i] == '\r') {
			for (k = i; k < len && raw[k] == '\r'; k++)
				;
			if (k < len && raw[k] == '\n') {
				copy[j++] = '\r';	/* the LF comes next */
			} else {
				memset(copy + j, '\n', k - i);
				j += k - i;
			}
			i = k - 1;
		} else {
			copy[j++] = raw[i] == '\0' ? ' ' : raw[i];
		}
	}
	*n = j;
	return copy;
}

/* Parse (p, n) as a message and hang it under parent (NULL: the root). */
static struct part *
parse_message(struct ctx *c, struct part *parent, const char *p, size_t n)
{
	struct mailmime *mm = NULL;
	struct part *node;
	size_t idx = 0, hlen, cost;
	struct hdrs h;

	if (over(c))
		return NULL;
	if (starts_mbox(p, n)) {
		size_t e = line_end(p, n, 0);

		p += e;
		n -= e;
	}
	p = normalise(c->m, p, &n);
	hlen = split_headers(c, p, n, &h);
	if (over(c) || h.n == 0)
		return NULL;
	if (guard(c, p, n, parent ? parent->depth + 1 : 0, &cost) < 0)
		return NULL;
	if ((node = new_part(c, parent)) == NULL)
		return NULL;
	node->is_message = 1;
	node->hdrs = h;
	/* libetpan's tree is held until the parts are converted, and the
	 * trees of messages decoded below this one come on top. */
	if (mem_take(c, cost, "libetpan's MIME tree") < 0)
		return NULL;
	if (mailmime_parse(p, n, &idx, &mm) != MAILIMF_NO_ERROR ||
	    mm == NULL) {
		/* Headers without a readable MIME structure: keep the rest
		 * as a plain body. */
		mem_give(c->m, cost);
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
	mem_give(c->m, cost);
	return over(c) ? NULL : node;
}

struct part *
mime_parse_embedded(struct msg *m, struct part *parent, const char *p,
    size_t n)
{
	struct ctx c = { m, &m->err };

	return parse_message(&c, parent, p, n);
}

enum rc
mime_parse(struct msg *m, const char *raw, size_t len,
    const struct limits *lim, struct err *e)
{
	struct ctx c = { m, &m->err };

	memset(m, 0, sizeof(*m));
	m->raw = raw;
	m->len = len;
	m->lim = lim;
	m->arena = xcalloc(1, sizeof(*m->arena));
	/* Saturating: a budget past SIZE_MAX is no budget. */
	m->mem_budget = lim->mem_per_byte != 0 &&
	    len > (SIZE_MAX - lim->mem_base) / lim->mem_per_byte ? SIZE_MAX :
	    lim->mem_per_byte * len + lim->mem_base;
	err_clear(&m->err);
	err_clear(e);
	if (len > lim->message_size) {
		err_set(e, RC_REJECT, "message of %zu bytes is over the "
		    "limit of %zu (max_message_size)", len,
		    lim->message_size);
		goto fail;
	}
	m->root = parse_message(&c, NULL, raw, len);
	if (m->root == NULL) {
		if (over(&c))
			*e = m->err;
		else
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
