/*
 * What the parsers extract from one message: the keys of the `parse`
 * command, plus what the resolver decides.  Every string is owned by the
 * report, UTF-8, free of control characters and at most MAX_FIELD_LEN
 * bytes; NULL means unknown.
 */
#ifndef AC_REPORT_H
#define AC_REPORT_H

#include <stdio.h>
#include <time.h>

#include "bounds.h"

struct part;
struct buf;

enum role { ROLE_AUTO = 0, ROLE_INTERNAL, ROLE_EXTERNAL };

/* What became of a message. */
enum msg_status { MSG_PARSED, MSG_QUARANTINED, MSG_IGNORED };

struct report {
	const char	*format;	/* static name from the format table */
	enum msg_status	 status;
	char		*reason;	/* why quarantined or ignored */
	/* What an ignored message is (dsn, auto-reply, challenge-response,
	 * ticket, reply, request, newsletter, not-spam, summary, other):
	 * a static name, NULL for a message that is not ignored. */
	const char	*kind;
	enum role	 role;
	char		*feedback_type;
	char		*category;
	char		*reporter;
	time_t		 occurred_at;	/* 0: unknown */
	char		*source_ip;
	char		*origin_ip;
	char		*auth_user;
	char		*identity_header;
	char		*smtp_auth;	/* smtp.auth= user of a notification */
	char		*mail_from;
	char		*rcpt_to[MAX_RCPT];
	size_t		 nrcpt;
	char		*subject;
	char		*message_id;
	char		*envelope_id;
	char		*outgoing_class;
	int		 review;	/* a person should read it */
	char		*customer;
	char		*resolved_by;
	char		*resolve_note;
	/* The offending message inside the report, when there is one; it
	 * points into the parsed message and is valid only as long as it. */
	const struct part *offending;
	/*
	 * Evidence (evidence.h).  A format whose reports count only when
	 * the offending message names the customer (a complaint) sets
	 * needs_evidence, and says where it found that message (attached,
	 * forwarded, pasted; NULL: nowhere), whether source_ip came from
	 * the complainant's own words (source_hint), the complaint's own
	 * envelope sender and the offending message's From address.  The judgement fills unverified and
	 * evidence (why it counts or not).
	 */
	int		 needs_evidence;
	const char	*evidence_found;	/* static */
	int		 source_hint;
	char		*sender;
	char		*offending_from;	/* its From address */
	int		 unverified;
	char		*evidence;
	/* Set by the pipeline when occurred_at is not the report's own
	 * time (none, or one not trusted): why, for occurred_note. */
	char		*occurred_note;
};

void report_init(struct report *r);
void report_release(struct report *r);

/* Replace *field with a sanitised copy of (p, n); an empty value clears
 * it.  Control characters (C0, C1 and bidirectional overrides: ctl_len
 * in util.h) become spaces; the copy is capped. */
void report_set(char **field, const char *p, size_t n);
void report_setz(char **field, const char *s);
/* Take ownership of s (which may be NULL) as the new value of *field. */
void report_take(char **field, char *s);
/* Add a recipient; beyond MAX_RCPT they are dropped. */
void report_add_rcpt(struct report *r, const char *p, size_t n);

const char *role_name(enum role);
const char *status_name(enum msg_status);

/*
 * The report key: one per incident, so the same incident delivered twice
 * is counted once.  Hex SHA-256 of format, offending Message-ID (else
 * envelope id), source IP and time; when none of those is known the raw
 * message hash stands in, so unrelated reports never collapse.
 */
void report_key(const struct report *r, const char *raw_sha256,
    char out[65]);

/* The parse output: "key: value" lines in the documented order. */
void report_print(FILE *f, const struct report *r);

#endif
