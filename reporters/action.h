/*
 * One run of a local action ([action NAME]) for an outbox row of a case
 * event.  The program is executed directly (no shell) in a process group
 * of its own, with the row's JSON (the webhook's body) on its standard
 * input and this environment, nothing inherited:
 *
 *   PATH=/usr/sbin:/usr/bin:/sbin:/bin  LANG=C.UTF-8
 *   ABUSE_ACTION     the action's name
 *   ABUSE_EVENT      case.escalated, case.unconfirmed, ...
 *   ABUSE_CUSTOMER   the case's customer
 *   ABUSE_DAY        the case's day, YYYY-MM-DD
 *   ABUSE_DELIVERY   the idempotency key: the same on every attempt
 *   ABUSE_USERS      the case's SMTP AUTH users, one per line: those made
 *                    of letters, digits and . _ @ + = ~ ! % - only, not
 *                    starting with '-' (safe in a shell word and a map)
 *   ABUSE_USERS_SKIPPED  how many of the JSON's auth_users were left out
 *                    of ABUSE_USERS for other characters
 *
 * Its exit says what became of the event:
 *   0                    done (delivered)
 *   75 (EX_TEMPFAIL)     not now: retried later with backoff
 *   anything else, a signal, the timeout (the group is killed)
 *                        a dead letter, with the first MAX_ACTION_STDERR
 *                        bytes of its standard error, controls blanked
 * Its standard output and the rest of its standard error are read and
 * thrown away, so a chatty program neither blocks nor fills memory.  It
 * is killed when the collector running it dies.
 */
#ifndef AC_ACTION_H
#define AC_ACTION_H

#include <stdio.h>

#include "config.h"
#include "outbox.h"
#include "store.h"

/* The exit status that asks for a retry (sysexits.h's EX_TEMPFAIL). */
#define ACTION_RETRY	75

/* Run action a for row r; what became of it in o. */
void action_send(const struct action_conf *a, const struct outbox_row *r,
    struct outcome *o);

/* What action_send would run for r (program, environment, input), on f. */
void action_dry(const struct action_conf *a, const struct outbox_row *r,
    FILE *f);

/* 1 when user may go into ABUSE_USERS (see above). */
int action_user_safe(const char *user);

#endif
