/*
 * Auto-replies (RFC 3834 "Auto-Submitted: auto-replied", vacation and
 * out-of-office answers, ticket-system acknowledgements).  Not a report:
 * stored as ignored, never counted.  "auto-generated" is not enough,
 * because report generators (X-ARF, DMARC) say that too.
 */
#include "autoconf.h"

#include <string.h>

#include "formats.h"

static int
ar_match(const struct msg *m)
{
	static const char *const subjects[] = { "Out of Office",
	    "Automatic reply", "Auto-Reply", "Autoreply", "Auto Reply",
	    "Abwesenheitsnotiz", "Automatische Antwort", "Vacation" };
	const char *v;
	size_t i;

	if ((v = root_hdr(m, "Auto-Submitted")) != NULL &&
	    has_prefix_ci(v, strlen(v), "auto-replied"))
		return 40;
	if (root_hdr(m, "X-Autoreply") != NULL ||
	    root_hdr(m, "X-Autorespond") != NULL ||
	    ((v = root_hdr(m, "Precedence")) != NULL &&
	    ascii_casecmp(v, "auto_reply") == 0))
		return 40;
	if ((v = root_hdr(m, "Subject")) != NULL)
		for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++)
			if (has_prefix_ci(v, strlen(v), subjects[i]))
				return 40;
	return 0;
}

static enum rc
ar_parse(struct msg *m, struct report *r, struct err *e)
{
	report_setz(&r->reason, "automatic reply, not an abuse report");
	return RC_OK;
}

const struct format format_autoreply = {
	.name = "auto-reply",
	.is_report = 0,
	.match = ar_match,
	.parse = ar_parse,
};
