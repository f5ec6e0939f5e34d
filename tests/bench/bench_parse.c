/*
 * Throughput of the parse code path: every file named on the command line
 * is loaded into memory first, then message_parse() (what `parse` and
 * `collect` run for each message) is called on each, for a number of
 * passes.  Prints messages/s and MB/s of raw message bytes; reading the
 * files is not timed.
 *
 *   bench_parse [-p PASSES] FILE|DIR...
 */
#include "autoconf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "formats/formats.h"
#include "mime.h"
#include "report.h"
#include "util.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct corpus {
	char	**data;
	size_t	 *len;
	size_t	  n, alloc, bytes;
};

static int
load(struct corpus *c, const char *path)
{
	struct err e;

	if (c->n == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 1024;
		c->data = xrealloc(c->data, c->alloc * sizeof(*c->data));
		c->len = xrealloc(c->len, c->alloc * sizeof(*c->len));
	}
	if (read_file(path, MAX_MESSAGE_SIZE, &c->data[c->n], &c->len[c->n],
	    &e) != RC_OK) {
		fprintf(stderr, "bench_parse: %s\n", e.msg);
		return -1;
	}
	c->bytes += c->len[c->n++];
	return 0;
}

/* A file, or every file of a directory (sorted, so runs compare). */
static int
load_path(struct corpus *c, const char *path)
{
	struct dirent **ents;
	struct stat st;
	int i, k, r = 0;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return load(c, path);
	if ((k = scandir(path, &ents, NULL, alphasort)) < 0)
		return -1;
	for (i = 0; i < k; i++) {
		if (r == 0 && ents[i]->d_name[0] != '.') {
			char *f = xasprintf("%s/%s", path, ents[i]->d_name);

			r = load(c, f);
			free(f);
		}
		free(ents[i]);
	}
	free(ents);
	return r;
}

int
main(int argc, char **argv)
{
	struct corpus c;
	struct parse_opts o;
	struct limits lim;
	size_t i, parsed = 0, status[3] = { 0 };
	long long passes = 3;
	int first = 1, p;
	double t0, t;

	if (argc > 2 && strcmp(argv[1], "-p") == 0) {
		if (parse_ll(argv[2], 1, 1000, &passes) < 0) {
			fprintf(stderr, "bench_parse: bad -p\n");
			return 2;
		}
		first = 3;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: bench_parse [-p PASSES] FILE|DIR...\n");
		return 2;
	}
	memset(&c, 0, sizeof(c));
	for (p = first; p < argc; p++)
		if (load_path(&c, argv[p]) < 0)
			return 1;
	memset(&o, 0, sizeof(o));
	limits_default(&lim);
	o.lim = &lim;
	t0 = now();
	for (p = 0; p < passes; p++) {
		for (i = 0; i < c.n; i++) {
			struct report r;

			report_init(&r);
			message_parse(c.data[i], c.len[i], &o, &r);
			if (p == 0)
				status[r.status]++;
			report_release(&r);
			parsed++;
		}
	}
	t = now() - t0;
	printf("messages %zu passes %lld bytes %zu seconds %.3f\n", c.n,
	    passes, c.bytes, t);
	printf("parsed %zu quarantined %zu ignored %zu\n", status[MSG_PARSED],
	    status[MSG_QUARANTINED], status[MSG_IGNORED]);
	printf("msgs_per_s %.0f mb_per_s %.2f\n", (double)parsed / t,
	    (double)c.bytes * (double)passes / t / 1e6);
	for (i = 0; i < c.n; i++)
		free(c.data[i]);
	free(c.data);
	free(c.len);
	return 0;
}
