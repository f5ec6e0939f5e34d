/*
 * The format parsers.  AC_FUZZ_FORMAT names the parser to force (one of
 * the names below, as the seed directories are called); unset or
 * "classify", message_parse() classifies as `parse` does.  With trusted
 * hosts configured, so the Received-chain and identity code runs.  Every
 * input is also given to each format's match, whose score must not pass
 * the format's most.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats.h"
#include "fuzz.h"
#include "netaddr.h"
#include "report.h"

static const struct {
	const char		*name;
	const struct format	*f;
} formats[] = {
	{ "classify", NULL },
	{ "spamexperts", &format_spamexperts },
	{ "arf", &format_arf },
	{ "dmarc", &format_dmarc },
	{ "xarf", &format_xarf },
	{ "xarf_json", &format_xarf_json },
	{ "spamcop", &format_spamcop },
	{ "jmrp", &format_jmrp },
	{ "complaint", &format_complaint },
	{ "dsn", &format_dsn },
	{ "auto-reply", &format_autoreply },
	{ "newsletter", &format_newsletter },
	{ "challenge-response", &format_challenge },
	{ "ticket", &format_ticket },
	{ "reply", &format_reply },
	{ "request", &format_request },
};

const char *const fuzz_corpora[] = { "classify", "spamexperts", "arf",
	"dmarc", "xarf", "xarf_json", "spamcop", "jmrp", "complaint", "dsn",
	"auto-reply", "newsletter", "challenge-response", "ticket", "reply",
	"request", NULL };

static const struct format *forced;
static int selected;
static struct hostlist trusted;

void
fuzz_select(const char *name)
{
	size_t i;

	selected = 1;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0) {
			forced = formats[i].f;
			return;
		}
	abort();	/* a name no one knows: fix the caller */
}

/* No format's match scores above its most: message_parse() does not ask
 * a format whose most cannot beat the best score so far, so a score
 * above it would be a classification lost. */
static void
check_most(const uint8_t *data, size_t size, const struct parse_opts *o)
{
	const struct format *f;
	struct cues c;
	struct err e;
	struct msg m;
	size_t i;
	int score;

	if (mime_parse(&m, (const char *)data, size, o->lim, &e) != RC_OK)
		return;
	cues_init(&c, &m, o);
	for (i = 0; (f = format_get(i)) != NULL; i++) {
		score = f->match(&m, &c);
		if (score < 0 || score > 100 || (f->most != 0 &&
		    score > f->most)) {
			fprintf(stderr, "%s: score %d above its most %d\n",
			    f->name, score, f->most);
			abort();
		}
	}
	cues_release(&c);
	msg_release(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_opts o;
	struct limits lim;
	struct report r;

	if (!selected) {
		const char *name = getenv("AC_FUZZ_FORMAT");

		fuzz_select(name ? name : "classify");
	}
	if (hostlist_empty(&trusted)) {
		(void)hostlist_add(&trusted, "mx1.example.net");
		(void)hostlist_add(&trusted, "192.0.2.0/24");
	}
	memset(&o, 0, sizeof(o));
	limits_default(&lim);
	lim.mime_parts = 128;
	lim.decoded_size = 4u << 20;
	o.lim = &lim;
	o.trusted = &trusted;
	report_init(&r);
	if (forced != NULL)
		message_parse_as((const char *)data, size, &o, forced, &r);
	else
		message_parse((const char *)data, size, &o, &r);
	check_most(data, size, &o);
	fuzz_check_report(&r);
	report_release(&r);
	return 0;
}
