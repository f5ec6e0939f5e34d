/* collector/metrics.c: label values escaped for the Prometheus text
 * format, and the samples a store's rows become. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "metrics.h"
#include "store.h"
#include "tap.h"

static char *
render(const struct facts *f)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	metrics_print(m, f);
	fclose(m);
	return out;
}

static void
add_msg(struct store *s, const char *source, const char *sha,
    enum msg_status status, size_t size)
{
	struct stored_msg m;
	struct err e;
	int64_t id;
	int dup;

	memset(&m, 0, sizeof(m));
	m.source = source;
	m.folder = "INBOX";
	m.sha256 = sha;
	m.size = size;
	m.received_at = 1700000000;
	m.format = "arf";
	m.status = status;
	ok(store_message_add(s, &m, &id, &dup, &e) == RC_OK, "store %s", sha);
}

int
main(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a\"b", "a\\\"b" },
		{ "a\\b", "a\\\\b" },
		{ "two\nlines", "two\\nlines" },
		{ "\\\"\n", "\\\\\\\"\\n" },
		{ "tab\tstays", "tab\tstays" },
		{ "ünï", "ünï" },
	};
	static char odd[] = "box \"a\\b\"\nx", never[] = "never";
	struct source_conf src[2];
	struct config c;
	struct store *s;
	struct facts *f;
	struct err e;
	int64_t id;
	char *out;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		out = prom_escape(t[i].in);
		is(out, t[i].want, "label value %zu escaped", i);
		free(out);
	}

	if (store_open(&s, ":memory:", STORE_SCRATCH, &e) != RC_OK) {
		ok(0, "scratch store: %s", e.msg);
		return tap_done();
	}
	ok(store_begin(s, &e) == RC_OK, "begin");
	add_msg(s, odd, "01", MSG_PARSED, 10);
	add_msg(s, odd, "02", MSG_QUARANTINED, 300);
	add_msg(s, "plain", "03", MSG_QUARANTINED, 50);
	ok(store_source_result(s, odd, "refused", 1700000100, &e) == RC_OK,
	    "a failure");
	ok(store_source_result(s, odd, "refused", 1700000200, &e) == RC_OK,
	    "another");
	ok(store_alert_add(s, odd, "source.failing", ALERT_FAILING, 1,
	    1700000200, "refused", &id, &e) == RC_OK, "source.failing raised");
	ok(store_commit(s, &e) == RC_OK, "commit");
	memset(&c, 0, sizeof(c));
	memset(src, 0, sizeof(src));
	src[0].name = odd;
	src[1].name = never;
	c.sources = src;
	c.nsources = 2;
	ok(facts_read(&f, &c, s, 1700000500, &e) == RC_OK, "facts");
	out = render(f);
	ok(strstr(out, "abuse_collector_messages{source=\"box \\\"a\\\\b\\\""
	    "\\nx\",status=\"parsed\"} 1\n") != NULL,
	    "an odd source name is escaped");
	ok(strstr(out, "abuse_collector_messages{source=\"plain\","
	    "status=\"quarantined\"} 1\n") != NULL, "per source and status");
	ok(strstr(out, "abuse_collector_quarantine_messages 2\n") != NULL,
	    "quarantine count");
	ok(strstr(out, "abuse_collector_quarantine_bytes 350\n") != NULL,
	    "quarantine bytes");
	ok(strstr(out, "abuse_collector_source_consecutive_failures{source="
	    "\"box \\\"a\\\\b\\\"\\nx\"} 2\n") != NULL, "failures in a row");
	ok(strstr(out, "abuse_collector_source_consecutive_failures{source="
	    "\"never\"} 0\n") != NULL, "a source not collected yet: 0");
	ok(strstr(out, "abuse_collector_source_newest_message_age_seconds{"
	    "source=\"box \\\"a\\\\b\\\"\\nx\"} 500\n") != NULL,
	    "age of the newest message");
	ok(strstr(out, "newest_message_age_seconds{source=\"never\"") ==
	    NULL, "no age without a message");
	ok(strstr(out, "abuse_collector_source_alert_open{source=\"box \\\"a"
	    "\\\\b\\\"\\nx\",alert=\"source.failing\"} 1\n") != NULL,
	    "the open alert");
	ok(strstr(out, "abuse_collector_source_alert_open{source=\"box \\\"a"
	    "\\\\b\\\"\\nx\",alert=\"source.silent\"} 0\n") != NULL,
	    "the other one is not open");
	ok(strstr(out, "abuse_collector_source_alert_open{source=\"never\","
	    "alert=\"source.failing\"} 0\n") != NULL,
	    "a source without alerts has none open");
	ok(strstr(out, "# TYPE abuse_collector_last_run") == NULL,
	    "no run yet: no run samples");
	ok(strstr(out, "\nabuse_collector_runs_interrupted 0\n") != NULL,
	    "and none interrupted");
	ok(strstr(out, "# HELP abuse_collector_messages ") != NULL &&
	    strstr(out, "# TYPE abuse_collector_messages gauge\n") != NULL,
	    "HELP and TYPE");
	free(out);
	out = facts_json(f);
	ok(strstr(out, "{\"source\":\"box \\\"a\\\\b\\\"\\nx\","
	    "\"parsed\":1,\"quarantined\":1,\"ignored\":0}") != NULL,
	    "JSON: %s", out);
	ok(strstr(out, "\"open_alerts\":[{\"alert\":\"source.failing\","
	    "\"since\":\"2023-11-14T22:16:40Z\"}]") != NULL,
	    "JSON: the open alert and since when");
	ok(strstr(out, "{\"source\":\"never\",\"consecutive_failures\":0,"
	    "\"newest_message_at\":null,\"newest_message_age_seconds\":null,"
	    "\"open_alerts\":[]}") != NULL, "JSON: none open");
	free(out);
	facts_free(f);
	store_close(s);
	return tap_done();
}
