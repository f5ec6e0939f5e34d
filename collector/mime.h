/*
 * The message model every format parser works on.  mime.c is the only
 * place that knows libetpan's MIME tree; it turns it into these structs,
 * with transfer encodings removed and every size checked against the
 * limits, so a parser sees bounded, decoded data or nothing.
 */
#ifndef AC_MIME_H
#define AC_MIME_H

#include <stddef.h>

#include "util.h"

struct limits {
	size_t	message_size;
	int	mime_depth;
	size_t	mime_parts;
	size_t	headers;
	size_t	header_len;
	size_t	decoded_size;
	/* The memory budget of one message: mem_per_byte times its size
	 * plus mem_base (bounds.h; not configurable). */
	size_t	mem_per_byte;
	size_t	mem_base;
};

/* The defaults of bounds.h. */
void limits_default(struct limits *);

/* One header field: name as written, value unfolded (CR and LF removed)
 * and not yet RFC 2047-decoded.  Both NUL-terminated, owned by the msg. */
struct hdr {
	const char	*name;
	const char	*value;
};

struct hdrs {
	struct hdr	*v;
	size_t		 n;
};

/*
 * A node of the MIME tree.  A "message" node (the root, and the child of
 * every message/rfc822 part) has the RFC 5322 header block in hdrs; other
 * nodes have their MIME part headers.  body is the content with the
 * transfer encoding removed for leaf parts (body_len bytes, not
 * NUL-terminated: it may point into the raw message); composite parts
 * have children instead.
 */
struct part {
	const char	*type;		/* lower case, "text/plain" if absent */
	const char	*charset;	/* lower case, or NULL */
	const char	*filename;	/* name= or filename=, or NULL */
	const char	*report_type;	/* multipart/report's, lower case */
	struct hdrs	 hdrs;
	const char	*body;
	size_t		 body_len;
	int		 is_message;
	int		 depth;		/* root message is 0 */
	struct part	*parent;
	struct part	*child;		/* first child */
	struct part	*next;		/* next sibling */
};

struct msg_arena;

struct msg {
	const char		*raw;	/* the bytes as given (not owned) */
	size_t			 len;
	struct part		*root;	/* a message node */
	size_t			 nparts;
	size_t			 decoded;
	const struct limits	*lim;
	struct msg_arena	*arena;	/* everything the parts point to */
	/* Memory held for this message (arena blocks, libetpan's trees as
	 * estimated, buffers being decoded), its peak, and the budget. */
	size_t			 mem, mem_peak, mem_budget;
	/* The first limit hit, also by mime_parse_embedded() and
	 * mime_split_headers() after mime_parse() returned: sticky, so a
	 * limit hit inside a format parser still quarantines the message. */
	struct err		 err;
};

/*
 * Parse (raw, len) into m.  The raw bytes must outlive m.  Returns RC_OK,
 * or RC_REJECT with the reason (over a limit, naming the [limits] key;
 * no header block, more memory needed than the memory budget) in e;
 * m is then released.  A leading mbox "From " (or
 * ">From ") line is skipped; bare CR line ends are read as LF and NUL
 * bytes as spaces.  Nesting is bounded before libetpan, which recurses,
 * sees the text.
 */
enum rc mime_parse(struct msg *m, const char *raw, size_t len,
    const struct limits *lim, struct err *e);
void msg_release(struct msg *m);

/*
 * Parse (p, n), text held by m or the raw message, as an embedded message
 * (SpamCop's inline copy, a pasted header block, a base64 message/rfc822
 * part) and hang it under parent.  Returns the new message node, or NULL
 * when the text has no header block or a limit was hit (then m->err says
 * which, and the caller's message must be quarantined).
 */
struct part *mime_parse_embedded(struct msg *m, struct part *parent,
    const char *p, size_t n);

/*
 * Split a header block (text up to the first empty line) into fields,
 * tolerating a line without a colon by joining it to the field before
 * (as SpamCop's Reported-URI continuation needs).  Memory belongs to m;
 * a limit hit is recorded in m->err.  Returns the number of bytes
 * consumed, including the empty line.
 */
size_t mime_split_headers(struct msg *m, const char *p, size_t n,
    struct hdrs *out);

/* Copy (p, n) into m's arena, NUL-terminated. */
char *msg_strndup(struct msg *m, const char *p, size_t n);

/* Base64 text (p, n) decoded into m's arena (NUL-terminated), counted
 * against max_decoded_size; NULL when undecodable or over the limit (then
 * m->err says so). */
char *mime_base64(struct msg *m, const char *p, size_t n, size_t *outlen);

/* Field lookup, case-insensitive; NULL when absent. */
const char *hdr_get(const struct hdrs *h, const char *name);
/* The i-th field called name (0-based), or NULL. */
const char *hdr_get_nth(const struct hdrs *h, const char *name, size_t i);
size_t hdr_count(const struct hdrs *h, const char *name);

/* Depth-first search from root (inclusive) for a leaf or composite part of
 * the given type (lower case); NULL when absent. */
struct part *part_find(struct part *root, const char *type);
/* The next part after prev in depth-first order below root, or NULL. */
struct part *part_walk(struct part *root, struct part *prev);

#endif
