/*
 * Ticket targets: the case events of the outbox become one ticket per
 * case (or per customer) in Request Tracker, through its REST2 API:
 *
 *   the ticket of the case key: the store's, else a search of the queue
 *       GET  /REST/2.0/tickets?query=Queue = 'Q' AND 'CF.{F}' = 'KEY'
 *   none: the event creates it, the case key in custom field F
 *       POST /REST/2.0/ticket           then GET /REST/2.0/ticket/ID
 *   found: the event is a comment on it
 *       POST /REST/2.0/ticket/ID/comment
 *   case.unconfirmed with resolve_on_unconfirmed, and a later
 *   confirmation of a ticket resolved that way
 *       PUT  /REST/2.0/ticket/ID {"Status": ...}   then GET to check
 *
 * The search makes the creation idempotent: a ticket created by a run
 * that died before recording it, or whose record was lost, is found and
 * used.  RT answers 200 or 201 with a list of messages even when part of
 * a change failed (an unknown status, a custom field it did not set):
 * every change is read back, and one that did not take is a failure
 * that names RT's messages.
 *
 * A type = http target makes the same decisions with requests built
 * from its templates (ticket_tpl.h): the store's ticket, else the
 * search's (search_url, search_pointer); none: the create, its answer's
 * id_pointer the ticket id (kept as text: ABUSE-7); found: the update.
 */
#ifndef AC_TICKET_H
#define AC_TICKET_H

#include <stdio.h>

#include "config.h"
#include "http.h"
#include "outbox.h"
#include "store.h"

/* The key of a case ("ac-" and 32 hex digits) in the case field: of
 * (customer, day), or of the customer alone with per = customer. */
void ticket_case_key(const struct ticket_conf *t, const char *customer,
    const char *day, char out[36]);

/* Send row r (a case event) to ticket target t.  With out != NULL
 * nothing is sent: the requests it would make are printed there. */
void ticket_send(struct http_client *hc, struct store *s,
    const struct ticket_conf *t, const struct outbox_row *r,
    struct outcome *o, FILE *out);

/* RT's answers, for ticket.c and its tests.  Each returns 0, or -1
 * with why (printable, without secrets) filled in. */
/* A created ticket: {"id": "N", ...}. */
int rt_parse_created(const char *body, long long *id, char *why,
    size_t whysz);
/* A search: {"count": N, "items": [{"id": "N"}, ...]}; *id = 0 when
 * nothing matched, else the first (lowest) id. */
int rt_parse_search(const char *body, long long *id, char *why,
    size_t whysz);
/* An update's answer: a JSON list of messages, joined with "; " into
 * msgs; -1 when it is not a list of text (RT puts 0 first when it
 * refused the whole change). */
int rt_parse_messages(const char *body, char *msgs, size_t msgsz);
/* A ticket: 1 when custom field field holds value; *status gets its
 * Status.  -1 when body is not a ticket. */
int rt_parse_ticket(const char *body, const char *field, const char *value,
    char *status, size_t statussz);

#endif
