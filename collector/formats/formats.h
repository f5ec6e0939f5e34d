/*
 * One parser per report format, all behind one table.  Adding a format is
 * one new file in formats/ and one line in formats.c.
 *
 * A parser sees the decoded message tree (mime.h) and fills a report
 * (report.h).  What every format shares (origin_ip from the Received
 * chain, the identity header, fallbacks for subject, Message-ID and time
 * from the offending message) is done once, after the parser, by
 * message_parse(); a parser only has to set r->offending.
 */
#ifndef AC_FORMATS_H
#define AC_FORMATS_H

#include <regex.h>

#include "../mime.h"
#include "../netaddr.h"
#include "../report.h"
#include "../util.h"

struct format {
	const char	*name;
	/* 0 for mail that is not an abuse report (a bounce, an auto-reply):
	 * recognised, stored as ignored, never counted. */
	int		 is_report;
	/* How sure (0..100) that m is of this format. */
	int		(*match)(const struct msg *m);
	/* Fill r from m.  RC_REJECT (with the reason) when the message is of
	 * this format but unreadable; it is then quarantined. */
	enum rc		(*parse)(struct msg *m, struct report *r,
			    struct err *e);
};

/* An identity header: its name and, optionally, a regular expression
 * whose first capture group is the user. */
struct identity_rule {
	const char	*header;
	const regex_t	*regex;		/* NULL: the whole value */
};

struct parse_opts {
	const struct limits		*lim;
	const struct identity_rule	*identity;	/* NULL: defaults */
	size_t				 nidentity;
	const struct hostlist		*trusted;	/* NULL: none */
};

/*
 * Parse one raw message into r (initialised by the caller).  Never fails:
 * a message no format reads, or one over a limit, comes back as
 * MSG_QUARANTINED with r->reason; mail that is not a report as
 * MSG_IGNORED.  r->offending is NULL on return.
 */
void message_parse(const char *raw, size_t len, const struct parse_opts *o,
    struct report *r);

/* The format names, for documentation and tests. */
const struct format *format_get(size_t i);

/* Helpers shared by the format parsers. */

/* The message inside the report: the child of the first message/rfc822
 * (or message/global) part below root, else a text/rfc822-headers part
 * read as a header block.  NULL when there is none. */
const struct part *find_offending(struct msg *m, struct part *root);
/* The body of a part as UTF-8 text (decoded charset); caller frees. */
char *part_text(const struct part *p, size_t *len);
/* The first text/plain part below root (root included), or NULL. */
const struct part *first_text(struct part *root);
/* Set *field to the normalised address in (p); unchanged when p is not an
 * address.  Returns 1 when set. */
int set_ip(char **field, const char *p);
/* Set *t from a date; unchanged (returns 0) when p does not parse. */
int set_date(time_t *t, const char *p);
/* Set *field to the decoded (RFC 2047) header value. */
void set_decoded(char **field, const char *p);
/* The domain of the From address of a message node, lower case. */
char *from_domain(const struct part *msgnode);
/* The category for an ARF Feedback-Type (abuse -> spam, ...). */
const char *category_for_feedback(const char *feedback_type);
/* A header of the form X-<Brand>-<suffix> (suffix like "Outgoing-Class");
 * the value of the first, or NULL. */
const char *branded_header(const struct hdrs *h, const char *suffix);

/* The message/feedback-report part below root, or NULL. */
const struct part *feedback_part(struct part *root);
/* Read the fields of a feedback part (its body is a header block). */
void feedback_fields(struct msg *m, const struct part *fb, struct hdrs *out);
/* Fill r from ARF feedback fields (RFC 5965 and the historic names). */
void arf_fill(const struct hdrs *fb, struct report *r);

/* The formats, each in its own file. */
extern const struct format format_spamexperts;
extern const struct format format_arf;

#endif
