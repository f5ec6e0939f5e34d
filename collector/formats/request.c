/*
 * Requests: someone blocked by us, or listed somewhere, asks to be
 * unblocked or delisted ("please unblock", "delist", "removal request"),
 * in the common languages.  They mention spam and often paste the bounce
 * they got, but they complain about nothing.  Not a report: stored as
 * ignored, never counted.  A blocklist's own notices ("your address has
 * been delisted"), which come as list mail, stay newsletters.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "formats.h"

static const char *const phrases[] = {
	"please unblock", "unblock request", "request to unblock",
	"unblock my", "unblock our", "unblock us", "unblocking request",
	"unblock ip", "delist", "de-list", "removal request",
	"request for removal", "request removal", "remove my ip",
	"remove our ip", "remove my domain", "remove our domain",
	"remove us from", "remove me from your block",
	"remove me from your black", "remove from blacklist",
	"remove from blocklist", "blacklist removal", "blocklist removal",
	"we are blocked", "we are being blocked", "we have been blocked",
	"i am blocked", "i have been blocked", "our ip is blocked",
	"our ip has been blocked", "my ip is blocked", "is blocked by you",
	"whitelist request", "please whitelist", "lift the block",
	"entsperrung", "entsperren", "bitte um freischaltung",
	"von der blacklist", "von ihrer blacklist", "sperrung aufheben",
	"sperre aufheben", "wir werden blockiert", "d\xc3\xa9" "bloquer",
	"d\xc3\xa9" "blocage", "retirer de la liste", "retrait de la liste",
	"demande de retrait", "desbloquear", "desbloqueo",
	"eliminar de la lista", "solicitud de eliminaci\xc3\xb3n",
	"sbloccare", "sblocco", "rimozione dalla", "rimuovere dalla",
	"desbloqueio", "remo\xc3\xa7\xc3\xa3o da lista", "deblokkeren",
	"verwijderen van de", "odblokowanie", "odblokowa\xc4\x87",
	"\xd1\x80\xd0\xb0\xd0\xb7\xd0\xb1\xd0\xbb\xd0\xbe\xd0\xba\xd0\xb8\xd1\x80",	/* разблокир */
	"\xd0\xa0\xd0\xb0\xd0\xb7\xd0\xb1\xd0\xbb\xd0\xbe\xd0\xba\xd0\xb8\xd1\x80",	/* Разблокир */
	"\xd1\x83\xd0\xb4\xd0\xb0\xd0\xbb\xd0\xb8\xd1\x82\xd1\x8c \xd0\xb8\xd0\xb7 \xd1\x87\xd0\xb5\xd1\x80\xd0\xbd\xd0\xbe\xd0\xb3\xd0\xbe",	/* удалить из черного */
	NULL
};

/* A notice of a list (a blocklist telling its subscribers), not a
 * request: the newsletter classifier takes those. */
static int
list_mail(const struct msg *m, const struct cues *c)
{
	const char *p = cues_hdr(c, m, "Precedence");

	return cues_hdr(c, m, "List-Id") != NULL ||
	    cues_hdr(c, m, "List-Unsubscribe") != NULL || (p != NULL &&
	    (ascii_casecmp(p, "bulk") == 0 || ascii_casecmp(p, "list") == 0));
}

static int
rq_match(const struct msg *m, struct cues *c)
{
	const char *hit;

	if (c->report_shape || c->forwarded || c->auto_submitted ||
	    list_mail(m, c))
		return 0;
	if ((hit = cues_find(c, m, CUE_SUBJECT, 0, phrases)) != NULL) {
		snprintf(c->why, sizeof(c->why), "unblock or delisting "
		    "request: \"%s\" in the subject", hit);
		return 36;
	}
	if ((hit = cues_find(c, m, CUE_TEXT, 1024, phrases)) != NULL) {
		snprintf(c->why, sizeof(c->why), "unblock or delisting "
		    "request: \"%s\" in the text", hit);
		return 33;
	}
	return 0;
}

static enum rc
rq_parse(struct msg *m, struct report *r, struct err *e)
{
	report_setz(&r->reason, "unblock or delisting request, not an abuse "
	    "report");
	return RC_OK;
}

const struct format format_request = {
	.name = "request",
	.is_report = 0,
	.match = rq_match,
	.most = 36,
	.parse = rq_parse,
};
