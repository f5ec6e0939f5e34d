/*
 * The value readers of text.c on any bytes: dates, addresses, IP
 * addresses, Received fields, encoded words.  Each result is checked
 * against its contract.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "text.h"
#include "util.h"

const char *const fuzz_corpora[] = { "text", NULL };

void
fuzz_select(const char *corpus)
{
	(void)corpus;
}

static void
valid(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n > max || !utf8_valid(s, n))
		abort();
	for (i = 0; i < n; i++)
		if (ctl_len(s + i, n - i) > 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	char ip[IP_STRLEN], again[IP_STRLEN];
	struct received rv;
	time_t t;
	char *s;
	size_t n;

	if (parse_date(p, size, &t) == 0 && t < 315532800)
		abort();
	if (ip_normalise(p, size, ip)) {
		/* Normal form is a fixed point. */
		if (!ip_normalise(ip, strlen(ip), again) ||
		    strcmp(ip, again) != 0)
			abort();
	}
	(void)ip_find(p, size, ip);
	if (received_parse(p, size, &rv) == 0 &&
	    (strlen(rv.from_host) >= sizeof(rv.from_host) ||
	    strlen(rv.by_host) >= sizeof(rv.by_host)))
		abort();
	s = decode_header(p, size, 200);
	valid(s, 200);
	free(s);
	s = decode_header_cs(p, size, "windows-1251", 998);
	valid(s, 998);
	free(s);
	s = text_to_utf8("iso-8859-2", p, size, &n);
	if (!utf8_valid(s, n))
		abort();
	free(s);
	free(addr_spec(p, size));
	free(msgid_strip(p, size));
	return 0;
}
