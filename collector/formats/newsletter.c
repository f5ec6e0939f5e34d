/*
 * Newsletters and list traffic, and the unsubscribe requests mail clients
 * send on a reader's behalf (Apple Mail: Subject "unsubscribe",
 * X-Apple-Unsubscribe).  Not a report: stored as ignored, never counted.
 */
#include "autoconf.h"

#include <string.h>

#include "formats.h"

/* Subject: unsubscribe, alone. */
static int
unsubscribe_subject(const struct msg *m)
{
	const char *s = root_hdr(m, "Subject");
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	trim(&s, &n);
	return n == 11 && ascii_ncasecmp(s, "unsubscribe", 11) == 0;
}

static int
unsubscribe_request(const struct msg *m)
{
	return root_hdr(m, "X-Apple-Unsubscribe") != NULL ||
	    unsubscribe_subject(m);
}

static int
nl_match(const struct msg *m, struct cues *c)
{
	const char *prec;

	if (cues_hdr(c, m, "X-Apple-Unsubscribe") != NULL ||
	    unsubscribe_subject(m))
		return 45;
	if (cues_hdr(c, m, "List-Unsubscribe") == NULL)
		return 0;
	prec = cues_hdr(c, m, "Precedence");
	if (cues_hdr(c, m, "List-Id") != NULL || (prec != NULL &&
	    (ascii_casecmp(prec, "bulk") == 0 ||
	    ascii_casecmp(prec, "list") == 0)))
		return 35;
	return 0;
}

static enum rc
nl_parse(struct msg *m, struct report *r, struct err *e)
{
	report_setz(&r->reason, unsubscribe_request(m) ?
	    "unsubscribe request, not an abuse report" :
	    "newsletter or list mail, not an abuse report");
	return RC_OK;
}

const struct format format_newsletter = {
	.name = "newsletter",
	.is_report = 0,
	.match = nl_match,
	.most = 45,
	.parse = nl_parse,
};
