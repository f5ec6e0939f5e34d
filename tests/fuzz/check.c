/* The report contract, checked after every fuzzed parse. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "report.h"
#include "text.h"
#include "util.h"

static void
field(const char *s)
{
	size_t n, i;

	if (s == NULL)
		return;
	n = strlen(s);
	if (n == 0 || n > MAX_FIELD_LEN || !utf8_valid(s, n))
		abort();
	for (i = 0; i < n; i++)
		if (ctl_len(s + i, n - i) > 0)	/* C0, C1, bidi controls */
			abort();
}

void
fuzz_check_report(const struct report *r)
{
	static FILE *null;
	const char *const f[] = { r->reason, r->feedback_type, r->category,
	    r->reporter, r->source_ip, r->origin_ip, r->auth_user,
	    r->identity_header, r->smtp_auth, r->mail_from, r->subject,
	    r->message_id, r->envelope_id, r->outgoing_class };
	char key[65];
	size_t i;

	if (r->format == NULL || r->offending != NULL)
		abort();
	if (r->status != MSG_PARSED && r->status != MSG_QUARANTINED &&
	    r->status != MSG_IGNORED)
		abort();
	if (r->status != MSG_PARSED && r->reason == NULL)
		abort();
	if (r->nrcpt > MAX_RCPT)
		abort();
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		field(f[i]);
	for (i = 0; i < r->nrcpt; i++)
		field(r->rcpt_to[i]);
	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	report_print(null, r);
	report_key(r, "0000", key);
	if (strlen(key) != 64)
		abort();
}
