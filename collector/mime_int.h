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

/* n bytes from m's arena, 16-aligned; freed with the message. */
void *arena_alloc(struct msg *m, size_t n);

/* The offset just past the line that starts at i (or n). */
size_t line_end(const char *p, size_t n, size_t i);

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
 * than max_mime_depth plus MIME_DEPTH_SLACK, more composite parts than
 * max_mime_parts, and comments nested deeper than MAX_COMMENT_DEPTH.
 */
int guard(struct ctx *c, const char *p, size_t n, int base);

#endif
