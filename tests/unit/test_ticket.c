/* Ticket targets: reading RT's REST2 answers, the case keys, and the
 * templates and JSON pointers of type = http. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json.h"
#include "tap.h"
#include "ticket.h"
#include "ticket_tpl.h"

static void
created(void)
{
	static const struct {
		const char	*body;
		int		 rv;
		long long	 id;
		const char	*why;
	} t[] = {
		{ "{\"type\":\"ticket\","
		    "\"_url\":\"http://rt/REST/2.0/ticket/7\",\"id\":\"7\"}",
		    0, 7, "" },
		{ "{\"id\": 12}", 0, 12, "" },
		{ "{\"type\":\"ticket\"}", -1, 0,
		    "the answer has no ticket id" },
		{ "{\"id\":\"seven\"}", -1, 0,
		    "the ticket id is not a number" },
		{ "{\"id\":\"-3\"}", -1, 0, "the ticket id is not a number" },
		{ "{\"id\":\"\"}", -1, 0, "the ticket id is not a number" },
		{ "<html>Created</html>", -1, 0, "the answer is not JSON" },
		{ "", -1, 0, "the answer is not JSON" },
		{ NULL, -1, 0, "the answer is not JSON" },
	};
	char why[200];
	long long id;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		why[0] = '\0';
		ok(rt_parse_created(t[i].body, &id, why, sizeof(why)) ==
		    t[i].rv && id == t[i].id, "created %zu: %d, id %lld", i,
		    t[i].rv, t[i].id);
		is(why, t[i].why, "created %zu: why", i);
	}
}

static void
searched(void)
{
	static const struct {
		const char	*body;
		int		 rv;
		long long	 id;
	} t[] = {
		{ "{\"count\":1,\"items\":[{\"id\":\"41\","
		    "\"type\":\"ticket\"}],\"total\":1,\"page\":1}", 0, 41 },
		{ "{\"count\":2,\"items\":[{\"id\":\"3\"},{\"id\":\"9\"}]}", 0,
		    3 },
		{ "{\"count\":0,\"items\":[],\"total\":0}", 0, 0 },
		{ "{\"items\":[{\"type\":\"ticket\"}]}", -1, 0 },
		{ "{\"items\":{}}", -1, 0 },
		{ "{\"message\":\"Invalid query\"}", -1, 0 },
		{ "[]", -1, 0 },
		{ "not json", -1, 0 },
	};
	char why[200];
	long long id;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(rt_parse_search(t[i].body, &id, why, sizeof(why)) ==
		    t[i].rv && id == t[i].id, "search %zu: %d, id %lld", i,
		    t[i].rv, t[i].id);
}

static void
messages(void)
{
	static const struct {
		const char	*body;
		int		 rv;
		const char	*msgs;
	} t[] = {
		{ "[\"Comments added\"]", 0, "Comments added" },
		{ "[\"Ticket 1: Status changed from 'new' to 'resolved'\"]", 0,
		    "Ticket 1: Status changed from 'new' to 'resolved'" },
		/* 200 with a refusal in words: read as messages, judged by
		 * reading the ticket back. */
		{ "[\"Ticket 1: Status 'bogus' isn't a valid status for this "
		    "ticket.\"]", 0, "Ticket 1: Status 'bogus' isn't a valid "
		    "status for this ticket." },
		/* RT refused the whole change: 0 first. */
		{ "[0,\"Invalid value for Status\"]", -1,
		    "0; Invalid value for Status" },
		{ "[\"a\",\"b\\nc\"]", 0, "a; b c" },
		{ "[]", 0, "" },
		{ "{\"message\":\"x\"}", -1, "" },
		{ "oops", -1, "" },
	};
	char msgs[256];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ok(rt_parse_messages(t[i].body, msgs, sizeof(msgs)) == t[i].rv,
		    "messages %zu: %d", i, t[i].rv);
		is(msgs, t[i].msgs, "messages %zu: text", i);
	}
}

static void
ticket(void)
{
	static const char body[] = "{\"id\":5,\"Status\":\"open\","
	    "\"CustomFields\":[{\"name\":\"Other\",\"values\":[\"ac-1\"]},"
	    "{\"name\":\"Case\",\"values\":[\"ac-0\",\"ac-1\"]}]}";
	static const char none[] = "{\"id\":6,\"Status\":\"new\","
	    "\"CustomFields\":[{\"name\":\"Case\",\"values\":[]}]}";
	char status[64];

	is(rt_parse_ticket(body, "Case", "ac-1", status, sizeof(status)) == 1 ?
	    "has" : "not", "has", "the case field holds the key");
	is(status, "open", "the status is read");
	ok(rt_parse_ticket(body, "Case", "ac-2", status, sizeof(status)) == 0,
	    "another key is not there");
	ok(rt_parse_ticket(body, "Cas", "ac-1", status, sizeof(status)) == 0,
	    "nor in a field of another name");
	ok(rt_parse_ticket(none, "Case", "ac-1", status, sizeof(status)) == 0,
	    "a field without values holds nothing");
	is(status, "new", "... status new");
	ok(rt_parse_ticket("{\"message\":\"Not found\"}", "Case", "ac-1",
	    status, sizeof(status)) == -1, "an error is no ticket");
	ok(rt_parse_ticket("[", "Case", "ac-1", status, sizeof(status)) == -1,
	    "nor is broken JSON");
}

static void
keys(void)
{
	struct ticket_conf t;
	char a[36], b[36], c[36], d[36];

	memset(&t, 0, sizeof(t));
	t.per = PER_CASE;
	ticket_case_key(&t, "cust-a", "2026-03-01", a);
	ticket_case_key(&t, "cust-a", "2026-03-02", b);
	ok(strlen(a) == 35 && strncmp(a, "ac-", 3) == 0 &&
	    strspn(a + 3, "0123456789abcdef") == 32, "a key is ac- and 32 "
	    "hex digits: %s", a);
	ok(strcmp(a, b) != 0, "per case: each day its own key");
	t.per = PER_CUSTOMER;
	ticket_case_key(&t, "cust-a", "2026-03-01", c);
	ticket_case_key(&t, "cust-a", "2026-03-02", d);
	ok(strcmp(c, d) == 0, "per customer: one key for every day");
	ok(strcmp(c, a) != 0, "and not a case's key");
}

static void
templates(void)
{
	static const struct {
		const char	*tmpl;
		const char	*val;	/* of {evidence} */
		enum tpl_mode	 mode;
		const char	*want;
	} t[] = {
		{ "{\"t\": \"{evidence}\"}", "say \"hi\"", TPL_JSON,
		    "{\"t\": \"say \\\"hi\\\"\"}" },
		{ "\"{evidence}\"", "a\nb\r\tc\\d", TPL_JSON,
		    "\"a\\nb\\r\\tc\\\\d\"" },
		{ "\"{evidence}\"", "\x01\x1f\x7f", TPL_JSON,
		    "\"\\u0001\\u001f\x7f\"" },
		{ "\"{evidence}\"", "caf\xc3\xa9 </script>", TPL_JSON,
		    "\"caf\xc3\xa9 </script>\"" },
		{ "https://x/s?q={evidence}&n=1", "a b&c=d/\"#", TPL_URL,
		    "https://x/s?q=a%20b%26c%3Dd%2F%22%23&n=1" },
		{ "https://x/{evidence}", "caf\xc3\xa9", TPL_URL,
		    "https://x/caf%C3%A9" },
		/* Braces that are no placeholder stay as they are. */
		{ "{\"a\": {\"b\": {}}} {Evidence} {x-y} {", "", TPL_JSON,
		    "{\"a\": {\"b\": {}}} {Evidence} {x-y} {" },
		{ "{evidence}{evidence}", "1", TPL_JSON, "11" },
		{ "", "x", TPL_JSON, "" },
	};
	const char *vals[TV_COUNT];
	char *got, *wrapped;
	size_t i;

	memset(vals, 0, sizeof(vals));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		vals[TV_EVIDENCE] = t[i].val;
		got = ticket_tpl_expand(t[i].tmpl, vals, t[i].mode);
		is(got, t[i].want, "template %zu", i);
		free(got);
	}
	/* Every byte value below 0x80 survives as JSON. */
	{
		char all[128];
		char *back;

		for (i = 1; i < 128; i++)
			all[i - 1] = (char)i;
		all[127] = '\0';
		vals[TV_EVIDENCE] = all;
		got = ticket_tpl_expand("{\"v\": \"{evidence}\"}", vals,
		    TPL_JSON);
		back = json_get(got, "$.v");
		ok(back != NULL && strcmp(back, all) == 0,
		    "every ASCII character reads back from the JSON");
		free(back);
		free(got);
	}
	vals[TV_EVIDENCE] = NULL;
	vals[TV_CUSTOMER] = "cust \"a\"";
	vals[TV_DAY] = "2026-03-01";
	vals[TV_TICKET_ID] = "ABUSE-7";
	got = ticket_tpl_expand("{\"s\": \"{customer} {day} {confidence}"
	    "{evidence}\", \"id\": \"{ticket_id}\"}", vals, TPL_JSON);
	wrapped = json_get(got, "$.s");
	is(wrapped, "cust \"a\" 2026-03-01 ", "each placeholder; none given: "
	    "empty");
	free(wrapped);
	wrapped = json_get(got, "$.id");
	is(wrapped, "ABUSE-7", "the ticket id");
	free(wrapped);
	free(got);

	ok(ticket_tpl_check("{\"a\": \"{customer}{case_key}\"}", 0) == NULL,
	    "check: known placeholders");
	ok(ticket_tpl_check("x {custmer}", 1) != NULL,
	    "check: an unknown one is refused");
	ok(ticket_tpl_check("/issue/{ticket_id}", 0) != NULL,
	    "check: no {ticket_id} before the ticket exists");
	ok(ticket_tpl_check("/issue/{ticket_id}", 1) == NULL,
	    "check: {ticket_id} in an update");
	ok(ticket_tpl_check("{\"a\":{}} {A} {", 0) == NULL,
	    "check: other braces are text");
}

static void
pointers(void)
{
	static const char doc[] = "{\"id\": \"10001\", \"key\": \"AB-1\","
	    " \"iid\": 7, \"n\": 1.5, \"ok\": true, \"z\": null,"
	    " \"a/b\": \"slash\", \"m~n\": \"tilde\", \"\": \"empty\","
	    " \"issues\": [{\"key\": \"AB-2\"}, {\"key\": \"AB-3\"}],"
	    " \"o\": {\"p\": {\"q\": \"deep\"}}, \"sp ace\": \"s\"}";
	static const struct {
		const char	*doc;
		const char	*ptr;
		const char	*want;	/* NULL: nothing */
	} t[] = {
		{ doc, "/id", "10001" },
		{ doc, "/key", "AB-1" },
		{ doc, "/iid", "7" },
		{ doc, "/issues/0/key", "AB-2" },
		{ doc, "/issues/1/key", "AB-3" },
		{ doc, "/issues/2/key", NULL },
		{ doc, "/issues/01/key", NULL },
		{ doc, "/issues/-/key", NULL },
		{ doc, "/issues/key", NULL },
		{ doc, "/o/p/q", "deep" },
		{ doc, "/a~1b", "slash" },
		{ doc, "/m~0n", "tilde" },
		{ doc, "/", "empty" },
		{ doc, "/sp ace", "s" },
		{ doc, "/n", NULL },		/* a real: no id */
		{ doc, "/ok", NULL },
		{ doc, "/z", NULL },
		{ doc, "/o", NULL },		/* an object */
		{ doc, "/issues", NULL },
		{ doc, "/nope", NULL },
		{ doc, "/id/x", NULL },
		{ doc, "", NULL },		/* the whole, an object */
		{ doc, "id", NULL },
		{ doc, "/a~2b", NULL },
		{ "[12, \"x\"]", "/0", "12" },
		{ "[12, \"x\"]", "/1", "x" },
		{ "\"top\"", "", "top" },
		{ "{\"id\": 1", "/id", NULL },
		{ "<html>", "/id", NULL },
		{ NULL, "/id", NULL },
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = ticket_pointer_get(t[i].doc, t[i].ptr);
		if (t[i].want == NULL)
			ok(got == NULL, "pointer %zu '%s': nothing", i,
			    t[i].ptr);
		else
			is(got, t[i].want, "pointer %zu '%s'", i, t[i].ptr);
		free(got);
	}
	ok(ticket_pointer_check("/a/\"b") != NULL,
	    "check: no quotes in a pointer");
	ok(ticket_pointer_check("/a~") != NULL, "check: a lone ~");
	ok(ticket_pointer_check("a") != NULL, "check: starts with /");
}

int
main(void)
{
	created();
	searched();
	messages();
	ticket();
	keys();
	templates();
	pointers();
	json_release();
	return tap_done();
}
