/*
 * Customer notices ([notify]): when a case's event is one of [notify]
 * events and its customer has a contact, a plain-text mail to the
 * contact with what was seen, over the [email] SMTP transport and
 * through the outbox (target "notice:ADDRESS").
 *
 * Exactly one notice per case and event: its outbox key is that of
 * (event, "notice", customer, day), recorded with the event in one
 * transaction.  At most one per customer per min_interval: decided
 * there too, against the notices queued before, so that a crash never
 * lets a second one through; a notice kept back is recorded as
 * suppressed (by the notice that was sent).
 *
 * A notice names the sending addresses, users, times, subjects and
 * Message-IDs of the offending mail, the counts, and the external
 * reporters by their domain only: never an address of a recipient of
 * the mail or of a complainant.
 */
#ifndef AC_NOTICE_H
#define AC_NOTICE_H

#include <stdio.h>
#include <time.h>

#include "config.h"
#include "outbox.h"
#include "store.h"
#include "store_notice.h"

/* The outbox target prefix of notices. */
#define NOTICE_TARGET	"notice:"

/*
 * Queue the notice of event kind for case c, inside the caller's open
 * transaction: nothing for an event [notify] does not list or for
 * "(unresolved)"; for a customer without a contact, only that, for the
 * summary.
 */
enum rc notice_queue(const struct config *cfg, struct store *s,
    const char *kind, const struct case_row *c, time_t now, struct err *e);

/*
 * Send the notice of outbox row r and say what became of it in o; with
 * dry not NULL, print it there instead and send nothing.
 */
void notice_send(const struct config *cfg, struct store *s,
    const struct outbox_row *r, time_t now, struct outcome *o, FILE *dry);

/*
 * The notice's subject and body (new strings) for contact ct about
 * event of case c with the evidence f: template_dir's template of the
 * event in the contact's language, else in English, else the built-in
 * one; the subject begins with the case's token "[abuse-collector
 * CUSTOMER DAY]".
 */
void notice_render(const struct notify_conf *n,
    const struct notify_contact *ct, const char *event,
    const struct case_row *c, const struct notice_facts *f, char **subject,
    char **body);

/* The Message-ID of the notice with outbox key key about day, from the
 * domain of from: "<notice-DAY.HEX@DOMAIN>", HEX 16 digits of the key,
 * so that a resent notice keeps it. */
char *notice_message_id(const char *key, const char *day, const char *from);

#endif
