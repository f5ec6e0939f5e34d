/*
 * The summary e-mail, sent over SMTP with libcurl: multipart/mixed of a
 * multipart/alternative (text/plain, text/html) and summary-D.csv as an
 * attachment, with Date, Message-ID and an RFC 2047 encoded Subject.
 * TLS is verified and required: smtps://, or smtp:// with STARTTLS that
 * must succeed before anything else (a password included) is sent.
 */
#ifndef AC_EMAIL_H
#define AC_EMAIL_H

#include <stdio.h>
#include <time.h>

#include "config.h"
#include "outbox.h"

struct store;

/* An update of a summary mailed before: its number and what changed
 * (day_diff_text's lines). */
struct email_update {
	long		 n;
	char		*changes;
};

/* Render the summary of day and send it to one recipient; u, when not
 * NULL, makes it an update: "[update] " before the subject and what
 * changed before the summary. */
void email_send(const struct config *c, struct store *s, const char *day,
    const char *to, const struct email_update *u, time_t now,
    struct outcome *o);

/* Send the mail of an alert (an alert.email outbox row's payload) to
 * one recipient: a short text/plain message. */
void email_alert_send(const struct config *c, const char *payload,
    const char *to, time_t now, struct outcome *o);

/*
 * An unstructured header value as RFC 2047 encoded words where it needs
 * them: printable ASCII stays as it is; otherwise UTF-8 B-words of at
 * most 75 characters each, split between characters, never inside one.
 * Returns a new string.
 */
char *email_encode_header(const char *s);

/* "Date: " and now as RFC 5322 has it, in the local time zone and the C
 * locale (the program never sets one).  Returns a new string. */
char *email_date_header(time_t now);

/* The subject: the template with {day} and {confirmed} filled in. */
char *email_subject(const char *tmpl, const char *day, long confirmed);

#endif
