/*
 * Internals shared by the files of the MIME wrapper (mime.c,
 * mime_headers.c, mime_guard.c); nothing outside them includes this.
 */
#ifndef AC_MIME_INT_H
#define AC_MIME_INT_H

#include <stddef.h>

#include "mime.h"

/* Parsing state: the first limit hit stops everything and is reported
 * (e is always &m->err, so it outlives the call that hit it). */
struct ctx {
	struct msg	*m;
	struct err	*e;
};

static inline int
over(const struct ctx *c)
{
	return c->e->rc != RC_OK;
}

/* n bytes from m's arena, 16-aligned; freed with the message.  The
 * blocks count against m's memory budget: going over it records
 * RC_REJECT in m->err (the memory is still given, so callers stay
 * simple; they stop at their next check of over()). */
void *arena_alloc(struct msg *m, size_t n);

/* Count n bytes held outside the arena against the budget: -1 with
 * RC_REJECT in c when that goes over it (then nothing is counted). */
int mem_take(struct ctx *c, size_t n, const char *what);
void mem_give(struct msg *m, size_t n);

/* The offset just past the line that starts at i (or n). */
size_t line_end(const char *p, size_t n, size_t i);

/* The length of the field name at p: printable ASCII but the colon
 * (RFC 5322 ftext). */
size_t field_name_len(const char *p, size_t n);

/*
 * Split the header block at the start of (p, n) into out, recording a
 * limit hit in c.  Returns the bytes consumed (never more than n),
 * including the empty line; 0 when the text does not start with a field.
 */
size_t split_headers(struct ctx *c, const char *p, size_t n,
    struct hdrs *out);

/*
 * Estimate what libetpan would do with (p, n), a message whose node will
 * sit at depth base: refuse (RC_REJECT in c, returns -1) nesting deeper
 * than max_mime_depth plus MIME_DEPTH_SLACK, more parts than
 * max_mime_parts, more fields in a header block than max_headers, and
 * comments nested deeper than MAX_COMMENT_DEPTH.  *cost is what
 * libetpan's tree of the text will hold, estimated (ETPAN_*_COST).
 */
int guard(struct ctx *c, const char *p, size_t n, int base, size_t *cost);

#endif
