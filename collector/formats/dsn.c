/*
 * Delivery status notifications (RFC 3464): bounces of mail we sent,
 * including bounces of abuse reports.  Not a report: recognised so it is
 * stored as ignored, never counted.  The top-level report-type decides,
 * ahead of anything the returned message contains (a bounced SpamExperts
 * notification still has its feedback part inside).
 */
#include "autoconf.h"

#include <string.h>

#include "formats.h"

static int
dsn_match(const struct msg *m)
{
	const struct part *root = m->root, *c;
	const char *from = root_hdr(m, "From"), *subj = root_hdr(m, "Subject");

	if (root->report_type != NULL &&
	    strcmp(root->report_type, "delivery-status") == 0)
		return 100;
	for (c = root->child; c != NULL; c = c->next)
		if (strcmp(c->type, "message/delivery-status") == 0)
			return 100;
	/* Old-style bounces: a mailer daemon and the usual subjects. */
	if (from != NULL && subj != NULL &&
	    (memcasemem(from, strlen(from), "MAILER-DAEMON") ||
	    memcasemem(from, strlen(from), "postmaster@")) &&
	    (memcasemem(subj, strlen(subj), "Undeliver") ||
	    memcasemem(subj, strlen(subj), "Delivery Status Notification") ||
	    memcasemem(subj, strlen(subj), "Returned mail") ||
	    memcasemem(subj, strlen(subj), "failure notice") ||
	    memcasemem(subj, strlen(subj), "Delivery failure")))
		return 55;
	return 0;
}

static enum rc
dsn_parse(struct msg *m, struct report *r, struct err *e)
{
	report_setz(&r->reason, "delivery status notification (bounce), "
	    "not an abuse report");
	return RC_OK;
}

const struct format format_dsn = {
	.name = "dsn",
	.is_report = 0,
	.match = dsn_match,
	.parse = dsn_parse,
};
