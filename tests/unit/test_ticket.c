/* Ticket targets: reading RT's REST2 answers, and the case keys. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json.h"
#include "tap.h"
#include "ticket.h"

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

int
main(void)
{
	created();
	searched();
	messages();
	ticket();
	keys();
	json_release();
	return tap_done();
}
