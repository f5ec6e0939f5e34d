/* The pieces of investigating a customer: the customer page's file
 * name (html_customer.c), the packing of kept messages (rawz.c) and the
 * table on a terminal (cli_table.c). */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_table.h"
#include "html_customer.h"
#include "rawz.h"
#include "tap.h"
#include "util.h"

static void
page_names(void)
{
	static const struct {
		const char	*customer;
		const char	*name;	/* NULL: hashed */
	} t[] = {
		{ "cust-1001", "customer-cust-1001.html" },
		{ "Cust.2.a", "customer-Cust.2.a.html" },
		{ "a b/c", "customer-a_20b_2fc.html" },
		{ "_", "customer-_5f.html" },
		{ "..", "customer-...html" },
		{ "../../etc/passwd", "customer-.._2f.._2fetc_2fpasswd.html" },
		{ "\xc3\x84x", "customer-_c3_84x.html" },
		{ "<b>\"'&", "customer-_3cb_3e_22_27_26.html" },
		{ "%41?#", "customer-_2541_3f_23.html" },
	};
	char out[CUSTOMER_PAGE_NAME_MAX], longid[201], want[220], sha[65];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		customer_page_name(t[i].customer, out);
		is(out, t[i].name, "page of '%s'", t[i].customer);
	}
	/* 200 safe bytes fit as they are; one more byte to encode does
	 * not, nor do 67 bytes that each take three. */
	memset(longid, 'x', 200);
	longid[200] = '\0';
	customer_page_name(longid, out);
	snprintf(want, sizeof(want), "customer-%s.html", longid);
	is(out, want, "200 safe bytes are the name");
	longid[199] = '/';
	customer_page_name(longid, out);
	sha256_hex(longid, 200, sha);
	snprintf(want, sizeof(want), "customer-_h%s.html", sha);
	is(out, want, "a longer encoding is the id's SHA-256");
	memset(longid, '/', 67);
	longid[67] = '\0';
	customer_page_name(longid, out);
	sha256_hex(longid, 67, sha);
	snprintf(want, sizeof(want), "customer-_h%s.html", sha);
	is(out, want, "67 bytes to encode are hashed");
	longid[66] = '\0';
	customer_page_name(longid, out);
	ok(strlen(out) == 9 + 198 + 5 && out[9] == '_', "66 are not (%s)",
	    out);
}

static void
packing(void)
{
	static const char mail[] = "From: a@example.org\r\nSubject: x\r\n\r\n"
	    "body body body body body body body body body body body body\r\n"
	    "body body body body body body body body body body body body\r\n";
	char noise[4096], *z, *back;
	const char *codec;
	size_t zn, i;
	struct err e;
	unsigned x = 12345;

	raw_pack(mail, sizeof(mail) - 1, &z, &zn, &codec);
	ok(strcmp(codec, RAW_CODEC_ZLIB) == 0 && zn < sizeof(mail) - 1,
	    "mail is packed smaller (%zu of %zu bytes)", zn, sizeof(mail) - 1);
	ok(raw_unpack(codec, z, zn, sizeof(mail) - 1, &back, &e) == RC_OK &&
	    memcmp(back, mail, sizeof(mail) - 1) == 0, "and unpacked whole");
	free(back);
	ok(raw_unpack(codec, z, zn, sizeof(mail), &back, &e) == RC_REJECT &&
	    back == NULL, "a size that is not the recorded one is refused");
	z[zn / 2] ^= 0x55;
	ok(raw_unpack(codec, z, zn, sizeof(mail) - 1, &back, &e) ==
	    RC_REJECT, "damaged data is refused: %s", e.msg);
	free(z);
	for (i = 0; i < sizeof(noise); i++) {
		x = x * 1103515245 + 12345;
		noise[i] = (char)(x >> 16);
	}
	raw_pack(noise, sizeof(noise), &z, &zn, &codec);
	ok(strcmp(codec, RAW_CODEC_NONE) == 0 && zn == sizeof(noise) &&
	    memcmp(z, noise, zn) == 0, "what does not shrink is kept as is");
	ok(raw_unpack(codec, z, zn, sizeof(noise), &back, &e) == RC_OK &&
	    memcmp(back, noise, zn) == 0, "and given back");
	free(back);
	free(z);
	raw_pack("", 0, &z, &zn, &codec);
	ok(zn == 0 && raw_unpack(codec, z, zn, 0, &back, &e) == RC_OK,
	    "an empty message");
	free(back);
	free(z);
	ok(raw_unpack("gzip", "x", 1, 1, &back, &e) == RC_REJECT,
	    "an unknown codec is refused: %s", e.msg);
}

static void
table(void)
{
	static const struct table_col cols[] = { { "id", 5 },
	    { "subject", 8 } };
	const char *names[] = { "subject", "x", "id" };
	const char *r1[] = { "Hello", "-", "1" };
	const char *r2[] = { "Gr\xc3\xbc\xc3\x9f" "e an alle", "-", "22" };
	const char *r3[] = { "a\x1b[2Jb", "-", NULL };
	struct cli_table *t = cli_table_new(cols, 2);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cli_table_row(t, 3, names, r1);
	cli_table_row(t, 3, names, r2);
	cli_table_row(t, 3, names, r3);
	cli_table_print(t, f, "elsewhere");
	fclose(f);
	is(buf, "id  subject\n"
	    "1   Hello\n"
	    "22  Gr\xc3\xbc\xc3\x9f" "e a\u2026\n"
	    "-   a [2Jb\n",
	    "columns by name, padded, cut at their width, controls blanked");
	free(buf);
	cli_table_free(t);
	t = cli_table_new(cols, 2);
	buf = NULL;
	f = open_memstream(&buf, &len);
	cli_table_print(t, f, "elsewhere");
	fclose(f);
	is(buf, "id  subject\n(none)\n", "no rows");
	free(buf);
	cli_table_free(t);
}

int
main(void)
{
	page_names();
	packing();
	table();
	return tap_done();
}
