/*
 * Challenge-response mail: a recipient's filter holds our message until
 * we prove we are a person ("please confirm you are human", click a link,
 * answer a question).  Known systems are recognised by their headers,
 * the rest by their texts in the common languages.  They talk about spam
 * a lot, so they must win over a complaint; they are often auto-replies
 * too, and say more than one.  Not a report: stored as ignored, never
 * counted.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "formats.h"

/* Headers C/R systems write on their challenges. */
static const char *const headers[] = { "X-Challenge",
	"X-Challenge-Response", "X-ChoiceMail-Registration-Request",
	"X-Boxbe-Challenge", "X-Spam-Arrest", "X-SpamArrest-Challenge",
	"X-Sendio-Challenge", "X-Mailblocks-Challenge", "X-TMDA-Confirm",
	"X-Bluebottle-Request", "X-Qurb-Challenge", "X-CR-System", NULL };

/* Senders and products in the From field or the text. */
static const char *const systems[] = { "spam arrest", "spamarrest.com",
	"boxbe", "choicemail", "mailblocks", "sendio", "tmda",
	"bluebottle", "qurb", "earthlink spamblocker", "antispam uol",
	"uol antispam", "terra antispam", "mailchallenge", NULL };

/* Subjects of challenges. */
static const char *const subjects[] = { "please confirm your message",
	"confirm your message", "please verify your message",
	"verify your e-mail", "verify your email", "message awaiting verification",
	"awaiting your confirmation", "pending your confirmation",
	"authorization request", "sender verification", "verification required",
	"confirmation required", "are you human", "please confirm you are human",
	"bitte best\xc3\xa4tigen sie ihre nachricht", "best\xc3\xa4tigen sie ihre",
	"absenderverifizierung", "confirmez votre message",
	"v\xc3\xa9rification de l'exp\xc3\xa9" "diteur", "confirme su mensaje",
	"verificaci\xc3\xb3n del remitente", "conferma il tuo messaggio",
	"confirme sua mensagem", "confirme que voc\xc3\xaa",
	"bevestig uw bericht", "bekr\xc3\xa4" "fta ditt meddelande", NULL };

/* Texts of challenges. */
static const char *const texts[] = { "confirm that you are human",
	"confirm you are human", "confirm you are a human",
	"prove that you are human", "prove you are human",
	"confirm that you are a person", "confirm you are not a robot",
	"verify that you are a real person", "verify you are a real person",
	"to confirm your message", "held until you confirm",
	"will be delivered once you confirm", "will be delivered after you",
	"approved senders list", "accepts mail only from approved senders",
	"i use a challenge", "challenge-response", "challenge/response",
	"best\xc3\xa4tigen sie, dass sie ein mensch sind",
	"confirmez que vous \xc3\xaa" "tes un humain",
	"confirme que es una persona", "conferma di essere una persona",
	"confirme que voc\xc3\xaa \xc3\xa9 uma pessoa",
	"bevestig dat u een mens bent", NULL };

static int
cr_match(const struct msg *m, struct cues *c)
{
	const char *hit;
	size_t i;

	if (c->report_shape)
		return 0;
	for (i = 0; headers[i] != NULL; i++)
		if (cues_hdr(c, m, headers[i]) != NULL) {
			snprintf(c->why, sizeof(c->why), "challenge-response: "
			    "%s header", headers[i]);
			return 70;
		}
	if (!c->forwarded &&
	    (hit = cues_find(c, m, CUE_SUBJECT, 0, subjects)) != NULL) {
		snprintf(c->why, sizeof(c->why), "challenge-response: \"%s\" "
		    "in the subject", hit);
		return 46;
	}
	if ((hit = find_any(c->from, c->from_len, systems)) != NULL) {
		snprintf(c->why, sizeof(c->why), "challenge-response: sent "
		    "by %s", hit);
		return 46;
	}
	if (c->forwarded)
		return 0;
	if ((hit = cues_find(c, m, CUE_TEXT, 0, texts)) != NULL) {
		snprintf(c->why, sizeof(c->why), "challenge-response: \"%s\" "
		    "in the text", hit);
		/* A person quoting a challenge with the spam attached is
		 * complaining; an automatic one is a challenge. */
		return c->auto_submitted || c->replied ||
		    !has_evidence(c, m) ? 44 : 0;
	}
	return 0;
}

static enum rc
cr_parse(struct msg *m, struct report *r, struct err *e)
{
	report_setz(&r->reason, "challenge-response request, not an abuse "
	    "report");
	return RC_OK;
}

const struct format format_challenge = {
	.name = "challenge-response",
	.is_report = 0,
	.match = cr_match,
	.most = 70,
	.parse = cr_parse,
};
