/* report.c: field sanitising, recipients, the report key, the output. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "tap.h"
#include "text.h"
#include "util.h"

static void
fields(void)
{
	static const struct {
		const char	*in;
		const char	*want;	/* NULL: the field stays empty */
	} t[] = {
		{ "plain", "plain" },
		{ "  padded  ", "padded" },
		{ "tab\tand\nnewline", "tab and newline" },
		{ "", NULL },
		{ "   ", NULL },
		{ "caf\xe9", "café" },		/* Windows-1252 read as such */
		{ "caf\xc3\xa9", "café" },	/* UTF-8 kept */
		/* C1 (U+009B, a one-character CSI) and bidirectional
		 * overrides and isolates become spaces. */
		{ "a\xc2\x9b" "31mb", "a 31mb" },
		{ "a\xc2\x80" "b\xc2\x9f" "c", "a b c" },
		{ "pay\xe2\x80\xae" "fdp.exe", "pay fdp.exe" },
		{ "\xe2\x80\xaa" "x\xe2\x80\xac\xe2\x81\xa6" "y\xe2\x81\xa9",
		    "x  y" },
		{ "caf\x9b", "caf›" },		/* Windows-1252 0x9B is U+203A */
		{ "\xc2\xa0\xe2\x80\x8b\xe2\x80\xaf", "\xc2\xa0\xe2\x80\x8b\xe2\x80\xaf" },
	};
	char *f = NULL, big[MAX_FIELD_LEN + 10];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		report_setz(&f, t[i].in);
		is(f, t[i].want, "field %zu", i);
	}
	/* A 2-byte character straddling the cap is dropped whole. */
	memset(big, 'a', sizeof(big));
	big[MAX_FIELD_LEN - 1] = '\xc3';
	big[MAX_FIELD_LEN] = '\xa9';
	big[sizeof(big) - 1] = '\0';
	report_setz(&f, big);
	ok(f != NULL && strlen(f) == MAX_FIELD_LEN - 1 &&
	    utf8_valid(f, strlen(f)), "capped at a character boundary (%zu)",
	    f ? strlen(f) : 0);
	report_take(&f, NULL);
	ok(f == NULL, "take NULL clears");
}

static void
recipients(void)
{
	struct report r;
	char a[32];
	size_t i;

	report_init(&r);
	report_add_rcpt(&r, "a@example.com", 13);
	report_add_rcpt(&r, " a@example.com ", 15);
	report_add_rcpt(&r, "", 0);
	ok(r.nrcpt == 1, "duplicates and empty values are not added");
	for (i = 0; i < MAX_RCPT + 5; i++) {
		(void)snprintf(a, sizeof(a), "r%zu@example.com", i);
		report_add_rcpt(&r, a, strlen(a));
	}
	ok(r.nrcpt == MAX_RCPT, "at most MAX_RCPT kept (%zu)", r.nrcpt);
	report_release(&r);
	ok(r.nrcpt == 0 && r.rcpt_to[0] == NULL && strcmp(r.format,
	    "unknown") == 0, "release leaves an empty report");
}

static void
keys(void)
{
	struct report a, b;
	char ka[65], kb[65];

	report_init(&a);
	report_init(&b);
	a.format = b.format = "arf";
	report_setz(&a.message_id, "x@example.net");
	report_setz(&b.message_id, "x@example.net");
	report_setz(&a.source_ip, "192.0.2.1");
	report_setz(&b.source_ip, "192.0.2.1");
	a.occurred_at = b.occurred_at = 1700000000;
	report_setz(&b.subject, "differs but is not part of the key");
	report_key(&a, "aaaa", ka);
	report_key(&b, "bbbb", kb);
	is(ka, kb, "the same incident twice has one key");
	b.occurred_at++;
	report_key(&b, "bbbb", kb);
	ok(strcmp(ka, kb) != 0, "another time, another key");
	report_release(&a);
	report_release(&b);
	a.format = b.format = "complaint";
	report_key(&a, "aaaa", ka);
	report_key(&b, "bbbb", kb);
	ok(strcmp(ka, kb) != 0 && strlen(ka) == 64,
	    "with nothing known the raw hash keeps reports apart");
}

static void
output(void)
{
	struct report r;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	report_init(&r);
	r.format = "spamexperts";
	r.status = MSG_PARSED;
	r.role = ROLE_INTERNAL;
	r.occurred_at = 1709543702;
	report_setz(&r.source_ip, "192.0.2.45");
	report_add_rcpt(&r, "a@example.com", 13);
	report_add_rcpt(&r, "b@example.com", 13);
	report_setz(&r.outgoing_class, "spam");
	r.review = 1;
	f = open_memstream(&text, &len);
	report_print(f, &r);
	fclose(f);
	is(text, "format: spamexperts\nrole: internal\n"
	    "occurred_at: 2024-03-04T09:15:02Z\nsource_ip: 192.0.2.45\n"
	    "rcpt_to: a@example.com\nrcpt_to: b@example.com\n"
	    "outgoing_class: spam\nreview: yes\n",
	    "keys in the documented order, absent ones left out");
	free(text);
	r.status = MSG_QUARANTINED;
	report_setz(&r.reason, "over a limit");
	f = open_memstream(&text, &len);
	report_print(f, &r);
	fclose(f);
	ok(strncmp(text, "format: spamexperts\nstatus: quarantined\n"
	    "reason: over a limit\n", 61) == 0, "status and reason follow "
	    "the format");
	free(text);
	report_release(&r);
}

int
main(void)
{
	fields();
	recipients();
	keys();
	output();
	return tap_done();
}
