/*
 * Header blocks: mime_split_headers() on any bytes, with the default
 * limits and no memory budget, so that unfolding that costs more than
 * linear memory shows as a broken promise here (and as an RSS over
 * -rss_limit_mb under libFuzzer); then mime_parse() of the same bytes,
 * whose memory must stay within its budget.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mime.h"

const char *const fuzz_corpora[] = { "headers", NULL };

void
fuzz_select(const char *corpus)
{
	(void)corpus;
}

/* Every field as split_headers() promises it: at most max_headers of
 * them, values without CR or LF and at most max_header_length long.
 * Returns the bytes of names and values together. */
static size_t
check_fields(const struct hdrs *h, const struct limits *lim)
{
	size_t i, total = 0, nn, vn;

	if (h->n > lim->headers)
		abort();
	for (i = 0; i < h->n; i++) {
		if (h->v[i].name == NULL || h->v[i].value == NULL)
			abort();
		nn = strlen(h->v[i].name);
		vn = strlen(h->v[i].value);
		if (nn == 0 || vn > lim->header_len ||
		    strpbrk(h->v[i].value, "\r\n") != NULL ||
		    memchr(h->v[i].name, ':', nn) != NULL)
			abort();
		total += nn + vn;
	}
	return total;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seed[] = "X: y\n\n";
	const char *p = (const char *)data;
	struct limits lim;
	struct msg m;
	struct err e;
	struct hdrs h;
	struct part *q = NULL;
	size_t used, before;

	limits_default(&lim);
	lim.mem_per_byte = 0;
	lim.mem_base = SIZE_MAX;
	if (mime_parse(&m, seed, sizeof(seed) - 1, &lim, &e) != RC_OK)
		abort();
	before = m.mem;
	used = mime_split_headers(&m, p, size, &h);
	if (used > size)
		abort();
	if (m.err.rc == RC_OK) {
		/* Each byte of a value comes from a byte of the input: a
		 * joined line adds one space and takes at least its LF. */
		if (check_fields(&h, &lim) > size)
			abort();
	} else if (m.err.rc != RC_REJECT || m.err.msg[0] == '\0') {
		abort();
	}
	/* Linear: names and values are copied at most twice (a joined
	 * field once more when it closes), the field array doubles, and
	 * the arena works in 32 KiB blocks. */
	if (m.mem_peak - before > 3 * size + 256 * 1024)
		abort();
	msg_release(&m);

	limits_default(&lim);
	if (mime_parse(&m, p, size, &lim, &e) != RC_OK) {
		if (e.rc != RC_REJECT || e.msg[0] == '\0')
			abort();
		return 0;
	}
	while ((q = part_walk(m.root, q)) != NULL)
		(void)check_fields(&q->hdrs, &lim);
	if (m.mem_peak > m.mem_budget)
		abort();
	msg_release(&m);
	return 0;
}
