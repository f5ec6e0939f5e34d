/*
 * Throughput of the parse code path: every file named on the command line
 * is loaded into memory first, then message_parse() (what `parse` and
 * `collect` run for each message) is called on each, for a number of
 * passes.  Prints messages/s and MB/s of raw message bytes; reading the
 * files is not timed.
 *
 *   bench_parse [-p PASSES] FILE...
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int
main(int argc, char **argv)
{
	struct parse_opts o;
	struct limits lim;
	char **data;
	size_t *len, n = 0, i, bytes = 0, parsed = 0, status[3] = { 0 };
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
		fprintf(stderr, "usage: bench_parse [-p PASSES] FILE...\n");
		return 2;
	}
	data = xcalloc((size_t)(argc - first), sizeof(*data));
	len = xcalloc((size_t)(argc - first), sizeof(*len));
	for (p = first; p < argc; p++) {
		struct err e;

		if (read_file(argv[p], MAX_MESSAGE_SIZE, &data[n], &len[n],
		    &e) != RC_OK) {
			fprintf(stderr, "bench_parse: %s\n", e.msg);
			return 1;
		}
		bytes += len[n++];
	}
	memset(&o, 0, sizeof(o));
	limits_default(&lim);
	o.lim = &lim;
	t0 = now();
	for (p = 0; p < passes; p++) {
		for (i = 0; i < n; i++) {
			struct report r;

			report_init(&r);
			message_parse(data[i], len[i], &o, &r);
			if (p == 0)
				status[r.status]++;
			report_release(&r);
			parsed++;
		}
	}
	t = now() - t0;
	printf("messages %zu passes %lld bytes %zu seconds %.3f\n", n, passes,
	    bytes, t);
	printf("parsed %zu quarantined %zu ignored %zu\n", status[MSG_PARSED],
	    status[MSG_QUARANTINED], status[MSG_IGNORED]);
	printf("msgs_per_s %.0f mb_per_s %.2f\n", (double)parsed / t,
	    (double)bytes * (double)passes / t / 1e6);
	for (i = 0; i < n; i++)
		free(data[i]);
	free(data);
	free(len);
	return 0;
}
