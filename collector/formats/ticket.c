/*
 * Ticket systems: the acknowledgements and updates other providers'
 * helpdesks send when our notice (or anyone's mail) opens a ticket there
 * ("[example.net #12345]" from Request Tracker, "[Ticket#2024...]" from
 * OTRS, Znuny and Zammad, Zendesk's, Freshdesk's and Jira Service
 * Management's mail).  Not a report: stored as ignored, never counted.
 *
 * Abuse desks send real complaints through the same systems, with the
 * offending message attached.  So a ticket system's mark decides alone
 * only when nothing is attached or pasted, or when the text says it is
 * an acknowledgement or an update.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "formats.h"

/* Header fields ticket systems write (name, and a value it must contain
 * or NULL). */
static const struct { const char *name, *value; } marks[] = {
	{ "RT-Ticket", NULL }, { "RT-Originator", NULL },
	{ "X-RT-Loop-Prevention", NULL }, { "Managed-BY", "request tracker" },
	{ "X-OTRS-Loop", NULL }, { "X-Powered-By", "otrs" },
	{ "X-Powered-By", "znuny" }, { "X-Mailer", "otrs" },
	{ "X-Mailer", "znuny" }, { "X-Mailer", "zammad" },
	{ "X-Zammad-Ticket-Id", NULL }, { "X-Loop", "zammad" },
	{ "X-Mailer", "zendesk" }, { "X-Zendesk-From-Account-Id", NULL },
	{ "X-Freshdesk-Ticket-Id", NULL }, { "X-FD-Email", NULL },
	{ "X-Mailer", "freshdesk" }, { "X-JIRA-FingerPrint", NULL },
	{ "X-Atlassian-Mail-Type", NULL }, { "X-Mailer", "osticket" },
	{ "X-osTicket", NULL }, { "X-HelpScout-Conversation-Id", NULL },
	{ "X-Mailer", "kayako" }, { "X-Kayako-Ticket", NULL },
	{ "X-ServiceNow-Generated", NULL }, { "X-Mailer", "servicenow" },
	{ "X-GLPI-Sender", NULL }, { "X-Mailer", "glpi" },
	{ "X-Mailer", "spiceworks" }, { "X-Mailer", "helpdesk" },
	{ NULL, NULL }
};

/* Subjects that say "acknowledgement" on their own. */
static const char *const subject_acks[] = {
	"your request has been received", "we have received your request",
	"request received", "ticket received", "ticket created",
	"ticket has been created", "new ticket created", "ticket opened",
	"has been resolved", "has been closed", "request closed",
	"ticket closed", "ticket updated", "request updated",
	"anfrage eingegangen", "ticket er\xc3\xb6" "ffnet", "ticket erstellt",
	"demande re\xc3\xa7ue", "ticket cr\xc3\xa9\xc3\xa9",
	"solicitud recibida", "ticket creado", "richiesta ricevuta",
	"solicita\xc3\xa7\xc3\xa3o recebida", "verzoek ontvangen", NULL
};

/* Acknowledgements and updates, in texts. */
static const char *const acks[] = {
	"your request has been received", "we have received your request",
	"we received your request", "request received", "ticket received",
	"ticket created", "ticket has been created", "ticket was created",
	"a ticket has been opened", "your ticket", "ticket number",
	"ticket id", "request #", "case number", "your case",
	"has been updated", "has been resolved", "has been closed",
	"status of your request", "thank you for contacting",
	"thank you for your e-mail. this is an automated",
	"this is an automated response", "this is an automatic response",
	"please do not reply above this line", "reply above this line",
	"##- please type your reply above this line -##",
	"ihre anfrage ist bei uns eingegangen", "ihre anfrage wurde",
	"wir haben ihre anfrage erhalten", "ticketnummer", "ihr ticket",
	"votre demande a bien \xc3\xa9t\xc3\xa9 re\xc3\xa7ue",
	"nous avons bien re\xc3\xa7u", "num\xc3\xa9ro de ticket",
	"votre ticket", "hemos recibido su solicitud", "hemos recibido tu",
	"n\xc3\xbamero de ticket", "su ticket", "abbiamo ricevuto la",
	"numero di ticket", "il tuo ticket", "recebemos sua solicita",
	"recebemos a sua", "n\xc3\xbamero do ticket", "seu ticket",
	"we hebben uw verzoek ontvangen", "uw ticket", "ticketnummer",
	"vi har mottagit ditt", "ärendenummer", "zg\xc5\x82oszenie",
	NULL
};

/* A subject that names abuse: without an acknowledgement, a complaint. */
static const char *const abuse[] = { "spam", "abuse", "phish", "fraud",
	"malware", "complaint", NULL };

/* "[anything #123]" (RT), "[Ticket#123]", "[#123]", "(SD-123)",
 * "Ticket #123", "Case #123" in a subject (lower case). */
static int
ticket_id(const char *s)
{
	const char *p, *q;

	for (p = s; (p = strchr(p, '#')) != NULL; p++) {
		q = p + 1;
		if (!isdigit((unsigned char)*q))
			continue;
		while (isdigit((unsigned char)*q))
			q++;
		if (*q == ']' || strncmp(p - (p - s < 6 ? p - s : 6),
		    "ticket", 6) == 0)
			return 1;
		if (p - s >= 5 && strncmp(p - 5, "case ", 5) == 0)
			return 1;
		if (p - s >= 7 && strncmp(p - 7, "ticket ", 7) == 0)
			return 1;
	}
	return 0;
}

static const char *
system_mark(const struct msg *m, const struct cues *c)
{
	const char *v;
	size_t i;

	for (i = 0; marks[i].name != NULL; i++) {
		if ((v = cues_hdr(c, m, marks[i].name)) == NULL)
			continue;
		if (marks[i].value == NULL ||
		    memcasemem(v, strlen(v), marks[i].value) != NULL)
			return marks[i].name;
	}
	return NULL;
}

static int
tk_match(const struct msg *m, struct cues *c)
{
	const char *mark, *hit;
	int id;

	if (c->report_shape || c->forwarded)
		return 0;
	if ((hit = cues_find(c, m, CUE_SUBJECT, 0, subject_acks)) != NULL) {
		snprintf(c->why, sizeof(c->why), "ticket system: \"%s\" in "
		    "the subject", hit);
		return 47;
	}
	mark = system_mark(m, c);
	id = ticket_id(c->subject);
	/* A complaint sent through a ticket system, evidence attached, is
	 * a complaint. */
	if ((mark == NULL && !id) || has_evidence(c, m))
		return 0;
	if ((hit = cues_find(c, m, CUE_TEXT, 0, acks)) != NULL) {
		snprintf(c->why, sizeof(c->why), "ticket system: %s%s, "
		    "\"%s\" in the text", mark ? mark : "ticket number",
		    mark ? " header" : " in the subject", hit);
		return 47;
	}
	if (mark != NULL && cues_find(c, m, CUE_SUBJECT, 0, abuse) == NULL) {
		snprintf(c->why, sizeof(c->why), "ticket system: %s header, "
		    "nothing attached", mark);
		return 47;
	}
	return 0;
}

static enum rc
tk_parse(struct msg *m, struct report *r, struct err *e)
{
	report_setz(&r->reason, "ticket system acknowledgement or update, "
	    "not an abuse report");
	return RC_OK;
}

const struct format format_ticket = {
	.name = "ticket",
	.is_report = 0,
	.match = tk_match,
	.most = 47,
	.parse = tk_parse,
};
