/*
 * Replies to mail we sent: a customer answering our notice ("sorry, my
 * account was hacked", often quoting the spam's headers), a reporter's
 * "thanks, it stopped", anyone answering the daily summary.  They are in
 * a thread with our mail: In-Reply-To or References name one of our
 * Message-IDs (own_message_id()), or the subject is "Re:" on the subject
 * of our summary or of a customer notice.  Quoted evidence in such a
 * reply is the customer's or the reporter's account of a known incident,
 * not a new complaint.  Not a report: stored as ignored, never counted.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "formats.h"

#define DEFAULT_SUBJECT	"abuse summary "
/* The start of a customer notice's subject (reporters/notice.c), lower
 * case: "[abuse-collector CUSTOMER DAY] ...". */
#define NOTICE_TOKEN	"[abuse-collector "

/* Each Message-ID in a References or In-Reply-To value. */
static int
names_ours(const char *v, const char *domain)
{
	const char *lt, *gt;

	for (; v != NULL && (lt = strchr(v, '<')) != NULL; v = gt + 1) {
		if ((gt = strchr(lt, '>')) == NULL)
			return 0;
		if (own_message_id(lt, (size_t)(gt - lt) + 1, domain))
			return 1;
	}
	return 0;
}

/* The domain of our From address, or NULL. */
static const char *
own_domain(const struct cues *c)
{
	const char *f = c->o ? c->o->own_from : NULL, *at;

	if (f == NULL || (at = strrchr(f, '@')) == NULL)
		return NULL;
	return at + 1;
}

/* The subject of our summary up to its first placeholder, lower case,
 * into buf; "" when that part is too short to recognise anything by. */
static void
summary_prefix(const struct cues *c, char *buf, size_t bufsz)
{
	const char *t = c->o && c->o->own_subject ? c->o->own_subject :
	    DEFAULT_SUBJECT;
	size_t i;

	for (i = 0; i + 1 < bufsz && t[i] != '\0' && t[i] != '{'; i++)
		buf[i] = (char)(t[i] >= 'A' && t[i] <= 'Z' ? t[i] - 'A' + 'a' :
		    t[i]);
	buf[i] = '\0';
	if (i < 8)
		buf[0] = '\0';
}

static int
rp_match(const struct msg *m, struct cues *c)
{
	const char *dom = own_domain(c), *h, *s;
	char dombuf[256], prefix[128];
	size_t i;

	if (c->report_shape)
		return 0;
	/* The domain is the one in our From address; any is taken when
	 * none is configured (the Message-ID's shape is distinctive). */
	if (dom != NULL) {
		for (i = 0; i + 1 < sizeof(dombuf) && dom[i] != '\0' &&
		    dom[i] != '>'; i++)
			dombuf[i] = dom[i];
		dombuf[i] = '\0';
		dom = dombuf;
	}
	if (names_ours(h = cues_hdr(c, m, "In-Reply-To"), dom) ||
	    names_ours(h = cues_hdr(c, m, "References"), dom)) {
		snprintf(c->why, sizeof(c->why), "reply to our own mail: %s "
		    "names our Message-ID", h == cues_hdr(c, m, "In-Reply-To") ?
		    "In-Reply-To" : "References");
		return 38;
	}
	/* The token our customer notices begin their subject with. */
	if (c->replied && (s = strstr(c->subject, NOTICE_TOKEN)) != NULL &&
	    s - c->subject < 24) {
		snprintf(c->why, sizeof(c->why), "reply to our own mail: "
		    "\"Re:\" on a customer notice's subject");
		return 38;
	}
	summary_prefix(c, prefix, sizeof(prefix));
	if (c->replied && prefix[0] != '\0' &&
	    (s = strstr(c->subject, prefix)) != NULL &&
	    s - c->subject < 24) {
		snprintf(c->why, sizeof(c->why), "reply to our own mail: "
		    "\"Re:\" on our summary's subject");
		return 38;
	}
	return 0;
}

static enum rc
rp_parse(struct msg *m, struct report *r, struct err *e)
{
	report_setz(&r->reason, "reply to our own mail, not an abuse "
	    "report");
	return RC_OK;
}

const struct format format_reply = {
	.name = "reply",
	.is_report = 0,
	.match = rp_match,
	.most = 38,
	.parse = rp_parse,
};
