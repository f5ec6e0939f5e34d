/*
 * One webhook delivery: POST the row's JSON payload with
 *   Content-Type: application/json
 *   X-Abuse-Collector-Event: <kind>
 *   X-Abuse-Collector-Delivery: <idempotency key>
 *   X-Abuse-Collector-Signature: sha256=<hex HMAC-SHA256 of the body,
 *       keyed with the webhook's secret>
 */
#ifndef AC_WEBHOOK_H
#define AC_WEBHOOK_H

#include "config.h"
#include "http.h"
#include "outbox.h"
#include "store.h"

/* Send row r to webhook w through the client hc. */
void webhook_send(struct http_client *hc, const struct webhook_conf *w,
    const struct outbox_row *r, struct outcome *o);

#endif
