/*
 * The MIME layer: mime_parse() on any bytes, then every part read the way
 * the format parsers read them (header blocks of leaf bodies, embedded
 * messages, charset conversion), under small limits so the limit paths
 * are reached too.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "formats/formats.h"
#include "fuzz.h"
#include "mime.h"

const char *const fuzz_corpora[] = { "mime", NULL };

void
fuzz_select(const char *corpus)
{
	(void)corpus;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct limits lim;
	struct msg m;
	struct err e;
	struct part *p = NULL;
	size_t depth_seen = 0;

	limits_default(&lim);
	lim.mime_depth = 8;
	lim.mime_parts = 64;
	lim.headers = 200;
	lim.header_len = 4096;
	lim.decoded_size = 1u << 20;
	if (mime_parse(&m, (const char *)data, size, &lim, &e) != RC_OK) {
		if (e.rc != RC_REJECT || e.msg[0] == '\0')
			abort();
		return 0;
	}
	while ((p = part_walk(m.root, p)) != NULL) {
		struct hdrs h;
		size_t i, len;
		char *t;

		if (p->depth > lim.mime_depth || p->hdrs.n > lim.headers)
			abort();
		if ((size_t)p->depth > depth_seen)
			depth_seen = (size_t)p->depth;
		for (i = 0; i < p->hdrs.n; i++)
			if (strlen(p->hdrs.v[i].value) > lim.header_len)
				abort();
		if (p->child != NULL || p->body == NULL)
			continue;
		(void)mime_split_headers(&m, p->body, p->body_len, &h);
		t = part_text(p, &len);
		free(t);
		if (p->body_len > 0 && p->body[0] != '-')
			(void)mime_parse_embedded(&m, p, p->body, p->body_len);
		if (m.err.rc != RC_OK)
			break;
	}
	if (m.nparts > lim.mime_parts || m.decoded > lim.decoded_size)
		abort();
	msg_release(&m);
	return 0;
}
