/*
 * quarantine: list the quarantined messages, write one out byte for
 * byte, or parse them again (retry, in cmd_collect.c with the other
 * commands that take mail in).
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../reporters/csv.h"
#include "cli.h"
#include "json.h"
#include "log.h"
#include "store.h"

struct qlist {
	int	json;
	int	header;		/* the next row is the header */
};

static char *
jadd(char *doc, const char *k, const char *v, int num)
{
	char *n;

	if (v == NULL)
		return doc;
	n = num ? json_set_num(doc, k, strtod(v, NULL)) :
	    json_set_str(doc, k, v);
	free(doc);
	return n;
}

static int
list_row(void *arg, int n, const char *const *names, const char *const *v)
{
	struct qlist *q = arg;
	char *doc = NULL;
	int i, header = q->header;

	q->header = 0;
	if (!q->json) {
		csv_row(stdout, n, v);
		return 0;
	}
	if (header)
		return 0;
	for (i = 0; i < n; i++)
		doc = jadd(doc, names[i], v[i], strcmp(names[i], "id") == 0 ||
		    strcmp(names[i], "size") == 0);
	if (doc != NULL) {
		ctl_blank(doc, strlen(doc));
		puts(doc);
	}
	free(doc);
	return 0;
}

static int
id_arg(const char *s, int64_t *id)
{
	long long v;

	if (parse_ll(s, 1, INT64_MAX, &v) < 0) {
		fprintf(stderr, "abuse-collector: quarantine: '%s' is not a "
		    "message id\n", s);
		return -1;
	}
	*id = v;
	return 0;
}

static int
quarantine_list(struct cli *cli, int argc, char **argv)
{
	const char *format = "csv";
	struct qlist q = { 0, 1 };
	struct store *s;
	struct err e;
	enum rc rc;
	int i;

	for (i = 1; i < argc; i++) {
		if (take_opt(argc, argv, &i, "--format", &format))
			continue;
		fprintf(stderr, "abuse-collector: quarantine: unknown argument "
		    "'%s'\n", argv[i]);
		return EXIT_USAGE;
	}
	if (strcmp(format, "json") == 0)
		q.json = 1;
	else if (strcmp(format, "csv") != 0) {
		fprintf(stderr, "abuse-collector: --format is csv or json\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_store(cli, 1, &s, &e)) != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	if ((rc = store_quarantine_list(s, list_row, &q, &e)) != RC_OK)
		log_error("%s", e.msg);
	store_close(s);
	if (fflush(stdout) != 0) {
		log_error("stdout: %s", strerror(errno));
		return EXIT_INTERNAL;
	}
	return exit_for(rc);
}

/* The message's bytes as they were read, to standard output. */
static int
quarantine_show(struct cli *cli, int argc, char **argv)
{
	struct quarantined q;
	struct store *s;
	struct err e;
	int64_t id;
	int found, st = EXIT_OK;
	enum rc rc;

	if (argc != 2) {
		fprintf(stderr, "abuse-collector: quarantine show takes one "
		    "ID\n");
		return EXIT_USAGE;
	}
	if (id_arg(argv[1], &id) < 0)
		return EXIT_USAGE;
	if ((rc = cli_store(cli, 1, &s, &e)) != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	if ((rc = store_quarantine_get(s, id, &q, &found, &e)) != RC_OK) {
		log_error("%s", e.msg);
		store_close(s);
		return exit_for(rc);
	}
	store_close(s);
	if (!found) {
		log_error("quarantine: message %lld is not in the quarantine "
		    "(abuse-collector quarantine lists it)", (long long)id);
		st = EXIT_DATAERR;
	} else if (q.raw == NULL) {
		log_error("quarantine: message %lld (%s) was not kept: %s",
		    (long long)id, q.source, q.reason ? q.reason : "-");
		st = EXIT_DATAERR;
	} else if (fwrite(q.raw, 1, q.raw_len, stdout) != q.raw_len ||
	    fflush(stdout) != 0) {
		log_error("stdout: %s", strerror(errno));
		st = EXIT_INTERNAL;
	}
	quarantined_release(&q);
	return st;
}

int
cmd_quarantine(struct cli *cli, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return quarantine_show(cli, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "retry") == 0)
		return quarantine_retry(cli, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return quarantine_list(cli, argc - 1, argv + 1);
	return quarantine_list(cli, argc, argv);
}
