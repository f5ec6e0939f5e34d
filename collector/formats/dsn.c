/*
 * Delivery status notifications: bounces, delay warnings and delivery
 * confirmations, including those of our own notices.  Not a report:
 * stored as ignored, never counted.
 *
 * Structure decides first.  An RFC 3464 report (multipart/report with
 * report-type delivery-status, or a message/delivery-status part) is a
 * notification whatever its returned message contains: a bounced
 * SpamExperts notification still has its feedback part inside.  Then the
 * shapes of MTAs that write no RFC 3464 report: Exim's
 * X-Failed-Recipients; Amazon SES's notifications; a null reverse path
 * or a mailer daemon as sender together with a delivery text; a delivery
 * text in the subject with the returned message or its headers behind
 * it.  The texts of failures, delays and successes are listed for the
 * common languages.  ARF and X-ARF reports, which some feedback loops
 * send from a null reverse path, are never taken for bounces, and a
 * forwarded bounce ("Fwd: Undelivered Mail") is someone's mail about a
 * bounce, not one.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "formats.h"

/* Failures.  Subjects and first lines of the common MTAs and services. */
static const char *const failed[] = {
	"undelivered mail returned to sender", "undeliverable",
	"undelivered mail", "undelivered message", "undeliverable mail",
	"delivery status notification (failure)", "mail delivery failed",
	"mail delivery failure", "message delivery failure",
	"delivery failure", "delivery failed",
	"failure notice", "returned mail", "returned to sender",
	"mail system error", "delivery has failed", "could not be delivered",
	"couldn't be delivered", "could not deliver", "was not delivered",
	"wasn't delivered", "message not delivered", "non-delivery",
	"nondeliverable", "non delivery", "permanent error",
	"permanent fatal error", "address not found", "delivery incomplete",
	"delivery notification: delivery has failed", "message delivery has failed",
	"i'm afraid i wasn't able to deliver", "this is the mail system at",
	"this message was created automatically by mail delivery software",
	"the original message was received at", "this is the mail delivery agent",
	"this is the dragonfly mail agent", "delivery to the following recipient",
	"error has occurred while attempting to deliver",
	"delivery status notification: error",
	"your message couldn't be delivered", "your message could not be delivered",
	"message rejected", "mail could not be delivered", "bounce notification",
	"unable to deliver", "delivery problem", "mailbox unavailable",
	"user unknown", "no such user", "recipient address rejected",
	"mailbox full", "mailbox is full", "quota exceeded", "over quota",
	"rejected your message", "permanently rejected", "delivery error",
	"returned mail: see transcript for details", "hard bounce",
	"failed mail", "rejected mail", "error sending message",
	"sending failed", "delivery report", "nondelivery",
	"notification d'\xc3\xa9tat de remise", "notificaci\xc3\xb3n de estado de entrega",
	"notifica sullo stato del recapito", "notifica\xc3\xa7\xc3\xa3o de status de entrega",
	"\xc3\xbc" "bermittlungsstatus", "zustellungsbenachrichtigung", "non-remise",
	/* German */
	"unzustellbar", "nicht zustellbar", "zustellung fehlgeschlagen",
	"konnte nicht zugestellt werden", "nicht zugestellt",
	"fehler bei der zustellung", "unzustellbare nachricht",
	"zustellungsfehler",
	/* French */
	"non remis", "non distribuable", "\xc3\xa9" "chec de la remise",
	"echec de la remise", "\xc3\xa9" "chec de remise", "n'a pas pu \xc3\xaa" "tre remis",
	"n'a pas pu \xc3\xaa" "tre distribu", "message non d\xc3\xa9" "livr",
	"non d\xc3\xa9" "livr", "impossible de remettre", "echec de distribution",
	/* Spanish */
	"no se puede entregar", "no entregado", "no se pudo entregar",
	"error en la entrega", "mensaje no entregado",
	"devoluci\xc3\xb3n de correo", "no pudo ser entregado",
	/* Italian */
	"non recapitabile", "mancato recapito", "impossibile recapitare",
	"non \xc3\xa8 stato possibile recapitare", "non recapitato",
	/* Portuguese */
	"n\xc3\xa3o \xc3\xa9 poss\xc3\xadvel entregar", "n\xc3\xa3o entregue",
	"falha na entrega", "n\xc3\xa3o p\xc3\xb4" "de ser entregue",
	"mensagem n\xc3\xa3o entregue", "falha de entrega",
	/* Dutch */
	"onbestelbaar", "niet bezorgd", "kon niet worden bezorgd",
	"niet afgeleverd", "onbestelbare",
	/* Scandinavian, Finnish */
	"kan inte levereras", "kunde inte levereras", "olevererbart",
	"kan ikke leveres", "kunne ikke leveres", "ikke leveret",
	"ei voitu toimittaa", "toimitus ep\xc3\xa4onnistui",
	/* Polish, Czech, Hungarian, Turkish */
	"niedostarczalne", "nie mo\xc5\xbcna dostarczy\xc4\x87",
	"nie zosta\xc5\x82" "a dostarczona", "nedoru\xc4\x8d" "iteln",
	"nelze doru\xc4\x8d" "it", "k\xc3\xa9zbes\xc3\xadthetetlen",
	"teslim edilemedi", "iletilemedi",
	/* Russian, Ukrainian */
	"\xd0\xbd\xd0\xb5 \xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe",	/* не доставлено */
	"\xd0\x9d\xd0\xb5 \xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe",	/* Не доставлено */
	"\xd0\xbd\xd0\xb5\xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd",	/* недоставлен */
	"\xd0\x9d\xd0\xb5\xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd",	/* Недоставлен */
	"\xd0\xbd\xd0\xb5 \xd0\xbc\xd0\xbe\xd0\xb6\xd0\xb5\xd1\x82 \xd0\xb1\xd1\x8b\xd1\x82\xd1\x8c \xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe",	/* не может быть доставлено */
	/* Japanese, Chinese, Korean */
	"\xe9\x85\x8d\xe4\xbf\xa1\xe4\xb8\x8d\xe8\x83\xbd",	/* 配信不能 */
	"\xe9\x85\x8d\xe9\x80\x81\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc",	/* 配送エラー */
	"\xe9\x85\x8d\xe4\xbf\xa1\xe3\x81\xa7\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",	/* 配信できません */
	"\xe9\x80\x80\xe4\xbf\xa1",	/* 退信 */
	"\xe6\x97\xa0\xe6\xb3\x95\xe6\x8a\x95\xe9\x80\x92",	/* 无法投递 */
	"\xe7\x84\xa1\xe6\xb3\x95\xe5\x82\xb3\xe9\x81\x9e",	/* 無法傳遞 */
	"\xeb\xb0\x9c\xec\x86\xa1 \xec\x8b\xa4\xed\x8c\xa8",	/* 발송 실패 */
	NULL
};

/* Delays. */
static const char *const delayed[] = {
	"delivery status notification (delay)", "delayed mail",
	"delivery delayed", "delivery delay", "message delayed",
	"has not yet been delivered", "not yet been delivered",
	"warning: could not send message", "still being retried",
	"will continue trying", "delivery is delayed", "delay notification",
	"warning: message",
	"zustellung verz\xc3\xb6gert", "verz\xc3\xb6gerte zustellung",
	"remise diff\xc3\xa9r\xc3\xa9" "e", "distribution retard\xc3\xa9" "e",
	"entrega retrasada", "recapito ritardato",
	"entrega atrasada", "vertraagd", "f\xc3\xb6rsenad",
	NULL
};

/* Successes and relays. */
static const char *const delivered[] = {
	"delivery status notification (success)",
	"delivery status notification (relay)", "successful mail delivery",
	"delivered:", "relayed:", "delivery notification: delivered",
	"your message was delivered", "has been delivered",
	"was successfully delivered", "successfully delivered",
	"zugestellt:", "erfolgreich zugestellt", "remis\xc2\xa0:", "entregado:",
	"recapitato:", "entregue:", "bezorgd:", "expanded:",
	NULL
};

/* Lines that start a returned message or its headers in the text. */
static const char *const returned_marks[] = {
	"\nreceived: from", "\nreturn-path:", "\nmessage-id:",
	"--- below this line is a copy of the message",
	"------ this is a copy of the message",
	"original message follows", "message headers follow",
	"the headers of the original message", "original message headers",
	"--- the header of the original message is following",
	"unsent message below", "returned message",
	NULL
};

/* Words a complaint's subject has; a sender like postmaster may send one. */
static const char *const complaint_words[] = { "spam", "abuse", "phish",
	"complaint", "fraud", NULL };

static const char *
delivery_text(struct cues *c, const struct msg *m, enum cue_field f,
    const char **what)
{
	const char *s;

	if ((s = cues_find(c, m, f, 0, delayed)) != NULL)
		*what = "delay";
	else if ((s = cues_find(c, m, f, 0, failed)) != NULL)
		*what = "failure";
	else if ((s = cues_find(c, m, f, 0, delivered)) != NULL)
		*what = "success";
	return s;
}

/* The subject starts with the delivery text hit ("Undeliverable: ...",
 * "** Mail delivery failed"), as notifications write it; someone's
 * subject that merely mentions bounces does not. */
static int
subject_starts(const struct cues *c, const char *hit)
{
	const char *s = c->subject, *at;

	while (*s == ' ' || *s == '*' || *s == '[' || *s == '!')
		s++;
	at = strstr(s, hit);
	return at != NULL && at - s <= 2;
}

static int
returned(const struct msg *m, struct cues *c)
{
	struct part *p = NULL;

	while ((p = part_walk(m->root, p)) != NULL)
		if (strcmp(p->type, "message/rfc822") == 0 ||
		    strcmp(p->type, "message/global") == 0 ||
		    strcmp(p->type, "text/rfc822-headers") == 0 ||
		    strcmp(p->type, "message/global-headers") == 0)
			return 1;
	return cues_find(c, m, CUE_TEXT, 0, returned_marks) != NULL;
}

/* Amazon SES notifications by e-mail (through SNS or directly). */
static int
ses_notice(const struct msg *m, struct cues *c)
{
	static const char *const types[] = {
		"\"notificationtype\":\"bounce\"",
		"\"notificationtype\":\"delivery\"",
		"\"notificationtype\":\"deliverydelay\"",
		"\"eventtype\":\"bounce\"", "\"eventtype\":\"delivery\"",
		"\"eventtype\":\"deliverydelay\"", "\"eventtype\":\"send\"",
		"\"notificationtype\" : \"bounce\"",
		"\"notificationtype\" : \"delivery\"", NULL };
	if (strstr(c->from, "amazonses.com") == NULL &&
	    strstr(c->from, "sns.amazonaws.com") == NULL)
		return 0;
	return cues_find(c, m, CUE_TEXT, 0, types) != NULL;
}

#define WHY(...)	snprintf(c->why, sizeof(c->why), __VA_ARGS__)

static int
dsn_match(const struct msg *m, struct cues *c)
{
	const struct part *root = m->root, *ch;
	const char *subj_hit = NULL, *text_hit = NULL, *what = "";
	const char *sender;

	if (root->report_type != NULL &&
	    strcmp(root->report_type, "delivery-status") == 0) {
		WHY("RFC 3464 delivery status notification");
		return 100;
	}
	for (ch = root->child; ch != NULL; ch = ch->next)
		if (strcmp(ch->type, "message/delivery-status") == 0 ||
		    strcmp(ch->type, "message/global-delivery-status") == 0) {
			WHY("RFC 3464 delivery status notification");
			return 100;
		}
	if (c->report_shape)
		return 0;
	if (cues_hdr(c, m, "X-Failed-Recipients") != NULL) {
		WHY("bounce: X-Failed-Recipients header");
		return 90;
	}
	if (ses_notice(m, c)) {
		WHY("Amazon SES delivery notification");
		return 80;
	}
	sender = c->null_sender ? "null reverse path" :
	    c->daemon ? "mailer daemon sender" : NULL;
	if (!c->forwarded)
		subj_hit = delivery_text(c, m, CUE_SUBJECT, &what);
	/* Nothing about the sender or the subject: not a notification,
	 * and its text is not read for one. */
	if (sender == NULL && subj_hit == NULL)
		return 0;
	if (subj_hit == NULL)
		text_hit = delivery_text(c, m, CUE_TEXT, &what);
	if (sender != NULL && (subj_hit != NULL || text_hit != NULL)) {
		WHY("delivery %s notice: %s, \"%s\" in the %s", what, sender,
		    subj_hit ? subj_hit : text_hit,
		    subj_hit ? "subject" : "text");
		return 60;
	}
	if (sender != NULL && returned(m, c) &&
	    cues_find(c, m, CUE_SUBJECT, 0, complaint_words) == NULL) {
		WHY("bounce: %s and the returned message", sender);
		return 52;
	}
	/* Without a telling sender, the subject must open with the text. */
	if (subj_hit != NULL && !subject_starts(c, subj_hit))
		return 0;
	if (subj_hit != NULL && (returned(m, c) ||
	    delivery_text(c, m, CUE_TEXT, &what) != NULL)) {
		WHY("delivery %s notice: \"%s\" in the subject, the %s "
		    "behind it", what, subj_hit, returned(m, c) ?
		    "returned message" : "delivery text");
		return 55;
	}
	if (subj_hit != NULL && c->auto_submitted) {
		WHY("delivery %s notice: \"%s\" in the subject of "
		    "automatic mail", what, subj_hit);
		return 50;
	}
	if (subj_hit != NULL && strcmp(what, "failure") == 0) {
		WHY("delivery failure notice: \"%s\" in the subject",
		    subj_hit);
		return 45;
	}
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
	.most = 100,
	.parse = dsn_parse,
};
