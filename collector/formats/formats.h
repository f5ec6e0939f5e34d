/*
 * One parser per report format, all behind one table.  Adding a format is
 * one new file in formats/ and one line in formats.c.
 *
 * A parser sees the decoded message tree (mime.h) and fills a report
 * (report.h).  What every format shares (origin_ip from the Received
 * chain, the identity header, fallbacks for subject, Message-ID, envelope
 * sender and time from the offending message) is done once, after the
 * parser, by message_parse(); a parser only has to set r->offending.
 */
#ifndef AC_FORMATS_H
#define AC_FORMATS_H

#include <regex.h>

#include "../mime.h"
#include "../netaddr.h"
#include "../report.h"
#include "../text.h"
#include "../util.h"

struct parse_opts;

/*
 * What the classifiers look at first, worked out once per message by
 * cues_init(): the decoded subject and the sender, and the message's own
 * text on demand (cues_text()).  A classifier that claims a message
 * explains why in why[] (the reason a non-report is stored with).
 */
struct cues {
	const struct parse_opts	*o;
	char		 subject[MAX_FIELD_LEN + 1];	/* decoded, ASCII
					 * lower case */
	size_t		 subject_len;
	char		 from[MAX_FIELD_LEN + 1]; /* From, the same */
	size_t		 from_len;
	const char	*from_addr;	/* its address in from[] (up to '>' or
					 * the end), or NULL */
	size_t		 from_addr_len;
	/* The names of the top-level header fields, hashed to one bit
	 * each: cues_hdr() looks only for names that may be there. */
	unsigned char	 hbits[32];
	int		 null_sender;	/* Return-Path: <> or From: <> */
	int		 daemon;	/* a mailer daemon or postmaster */
	int		 forwarded;	/* Fwd:, Fw:, WG:, TR:, RV:, I: ... */
	int		 replied;	/* Re:, AW:, SV:, Antw:, RE: ... */
	int		 report_shape;	/* a feedback part or an X-ARF mark */
	int		 auto_submitted; /* Auto-Submitted other than "no" */
	/* cues_from_domain(): the From address's domain, lower case, or
	 * NULL; worked out on the first call. */
	int		 from_domain_done;
	char		*from_domain;
	/* cues_text(): the own text (plain, else HTML), decoded to UTF-8,
	 * ASCII lower case, at most KIND_SCAN bytes. */
	int		 text_done;
	char		*text;
	size_t		 text_len;
	/* Which pairs of bytes occur in the subject and in the text (a
	 * hash of each pair, one bit): most word lists are ruled out by
	 * a few bit tests instead of a search each. */
	unsigned char	 sbits[512], tbits[512];
	char		 why[160];
};

enum cue_field { CUE_SUBJECT, CUE_TEXT };

void cues_init(struct cues *c, const struct msg *m,
    const struct parse_opts *o);
/* The top-level header field of that name, or NULL (root_hdr()). */
const char *cues_hdr(const struct cues *c, const struct msg *m,
    const char *name);
void cues_release(struct cues *c);
/* The domain of the top-level From address, lower case, or NULL: what
 * addr_domain() says of it, read once per message. */
const char *cues_from_domain(struct cues *c, const struct msg *m);
/* The message's own text as described above; "" when it has none. */
const char *cues_text(struct cues *c, const struct msg *m, size_t *len);
/* The first needle of the NULL-terminated list (lower case) found in
 * (hay, n), or NULL. */
const char *find_any(const char *hay, size_t n, const char *const *needles);
/* The same in the subject or the text of the cues, in at most the first
 * limit bytes (0: all of it). */
const char *cues_find(struct cues *c, const struct msg *m, enum cue_field f,
    size_t limit, const char *const *needles);
/* Evidence of an offending message: a message/rfc822 or rfc822-headers
 * part, or a pasted header block (a line starting Received: from). */
int has_evidence(struct cues *c, const struct msg *m);

struct format {
	const char	*name;
	/* 0 for mail that is not an abuse report (a bounce, an auto-reply,
	 * a newsletter): recognised, stored as ignored with the format's
	 * name as its kind, never counted. */
	int		 is_report;
	/* How sure (0..100) that m is of this format; 0: it is not.  A
	 * format that is not a report writes its reason into c->why. */
	int		(*match)(const struct msg *m, struct cues *c);
	/* The highest score match ever gives: message_parse() does not ask
	 * a format that cannot beat the best score so far.  0: not known,
	 * always asked. */
	int		 most;
	/*
	 * Fill r from m.  RC_REJECT (with the reason) when the message is of
	 * this format but unreadable; it is then quarantined.  A parser may
	 * set r->status = MSG_IGNORED (with r->reason and r->kind) for a
	 * message of its format that reports nothing (an ARF "not-spam"
	 * report).
	 */
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
	const struct limits		*lim;		/* NULL: defaults */
	const struct identity_rule	*identity;	/* NULL: defaults */
	size_t				 nidentity;
	const struct hostlist		*trusted;	/* NULL: none */
	/* Our own outgoing mail ([email] from and subject): replies to it
	 * are recognised by its Message-IDs and subjects.  NULL: the
	 * defaults (any domain, the default subject). */
	const char			*own_from;
	const char			*own_subject;
};

/*
 * Our own Message-IDs: "<KIND-ID.RANDOM@DOMAIN>" with KIND one of
 * OWN_MSGID_KINDS ("summary", "notice"), ID the day or the notice's
 * number, RANDOM 16 hex digits and DOMAIN the domain of the From address
 * (reporters/email.c writes them).  1 when id (with or without angle
 * brackets) has that shape and, when domain is not NULL, that domain.
 */
int own_message_id(const char *id, size_t n, const char *domain);

/*
 * Parse one raw message into r (initialised by the caller).  Never fails:
 * a message no format reads, or one over a limit (also a limit hit while
 * a format parser reads an embedded message), comes back as
 * MSG_QUARANTINED with r->reason; mail that is not a report as
 * MSG_IGNORED with r->reason.  r->offending is NULL on return.
 */
void message_parse(const char *raw, size_t len, const struct parse_opts *o,
    struct report *r);

/* The same with the format given instead of classified (fuzzing, tests):
 * f->parse runs even when f->match says 0. */
void message_parse_as(const char *raw, size_t len,
    const struct parse_opts *o, const struct format *f, struct report *r);

/* The i-th format of the table, NULL past the end; by name, NULL if
 * unknown (several entries may share a name: the first is returned). */
const struct format *format_get(size_t i);
const struct format *format_find(const char *name);

/* Helpers shared by the format parsers (common.c). */

/* The message inside the report: the child of the first message/rfc822
 * (or message/global) part below root, else a text/rfc822-headers part
 * read as a header block.  NULL when there is none. */
const struct part *find_offending(struct msg *m, struct part *root);
/* The body of a part as UTF-8 text (decoded charset); caller frees. */
char *part_text(const struct part *p, size_t *len);
/* The first text/plain leaf below root (root included), or NULL. */
const struct part *first_text(struct part *root);
/* The first leaf of the given type below root, outside embedded
 * messages other than root itself; NULL when none. */
const struct part *own_part(struct part *root, const char *type);
/* The top-level header value of the message, or NULL. */
const char *root_hdr(const struct msg *m, const char *name);

/* Set *field to the normalised address in p; unchanged when p is not an
 * address.  Returns 1 when set. */
int set_ip(char **field, const char *p);
/* Set *t from a date (trailing punctuation tolerated); unchanged (returns
 * 0) when p does not parse. */
int set_date(time_t *t, const char *p);
int set_date_n(time_t *t, const char *p, size_t n);
/* Set *field to the decoded (RFC 2047) header value; undeclared 8-bit
 * text is read in the charset msgnode declares for its text, if any. */
void set_decoded(char **field, const char *p);
void set_decoded_in(char **field, const char *p, const struct part *msgnode);
/* Set *field to the address in an address field; "<>" and empty leave it
 * unchanged.  Returns 1 when set. */
int set_addr(char **field, const char *p);
/* Set *field to the lower-cased, trimmed value. */
void set_lower(char **field, const char *p);

/* The reporter label of an address field (or a bare domain): the
 * lower-case address when it is one, its domain when domain_only is set
 * or the local part is broken, NULL when there is no valid domain
 * ("MAILER-DAEMON <>", "postmaster").  Caller frees. */
char *reporter_label(const char *v, int domain_only);
/* The domain of an address field's addr-spec, lower case; caller frees. */
char *addr_domain(const char *addrfield);
/* The domain of the From address of a message node, lower case. */
char *from_domain(const struct part *msgnode);
/* The category for an ARF Feedback-Type (abuse -> spam, ...). */
const char *category_for_feedback(const char *feedback_type);
/* A category from free words (X-ARF report types, complaint text):
 * phishing, fraud, virus or spam when a keyword says so, else NULL. */
const char *category_for_words(const char *p, size_t n);
/* A header of the form X-<Brand>-<suffix> (suffix like "Outgoing-Class");
 * the value of the first, or NULL.  *brand (when not NULL) gets the
 * brand, cut to brandsz. */
const char *branded_header(const struct hdrs *h, const char *suffix,
    char *brand, size_t brandsz);

/*
 * Reading prose.  In (p, n), find label (case-insensitive) and read what
 * follows it on the same line: an IP address (returns 1 and fills out),
 * a date, or the trimmed rest of the line (caller frees; NULL when the
 * label is absent or nothing follows).
 */
int text_ip_after(const char *p, size_t n, const char *label,
    char out[IP_STRLEN]);
int text_date_after(const char *p, size_t n, const char *label, time_t *t);
char *text_line_after(const char *p, size_t n, const char *label);
/* The position of the first line of (p, n) that starts with prefix
 * (case-insensitive), or NULL. */
const char *line_starting(const char *p, size_t n, const char *prefix);

/* Fill r->source_ip when still unknown: the offending message's
 * X-Originating-IP or X-AOL-IP, else the sender of its first Received
 * hop that has one. */
void source_ip_fallback(struct report *r, const struct part *off);
/* The sending address of the first Received hop (from the top) of a
 * message node that names one, or 0; also 0 when a hop above it has a
 * sender that cannot be told (struct received's from_unsure). */
int first_hop_ip(const struct part *msgnode, char out[IP_STRLEN]);
/* The date of the first Received field of a message node. */
int first_hop_date(const struct part *msgnode, time_t *t);

/* ARF (arf.c). */
/* The message/feedback-report part below root, or NULL. */
const struct part *feedback_part(struct part *root);
/* Read the fields of a feedback part (its body is a header block). */
void feedback_fields(struct msg *m, const struct part *fb, struct hdrs *out);
/* Fill r from ARF feedback fields (RFC 5965 and the historic names). */
void arf_fill(const struct hdrs *fb, struct report *r);
/* The common part of every ARF-shaped format: fields, offending message,
 * reporter, fallbacks; RC_REJECT when the feedback part is empty. */
enum rc arf_read(struct msg *m, struct report *r, struct err *e);

/* The formats, each in its own file. */
extern const struct format format_dsn;
extern const struct format format_spamexperts;
extern const struct format format_spamcop;
extern const struct format format_xarf;
extern const struct format format_xarf_json;
extern const struct format format_jmrp;
extern const struct format format_dmarc;
extern const struct format format_arf;
extern const struct format format_newsletter;
extern const struct format format_autoreply;
extern const struct format format_challenge;
extern const struct format format_ticket;
extern const struct format format_reply;
extern const struct format format_request;
extern const struct format format_complaint;

#endif
