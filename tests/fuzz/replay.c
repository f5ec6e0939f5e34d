/*
 * Replays a fuzz target's seed corpus without libFuzzer, as a TAP test:
 * every file of tests/fuzz/corpus/<corpus>/ for each corpus the target
 * names goes through LLVMFuzzerTestOneInput once.  A crash, a sanitizer
 * report or a broken contract (an abort in the target) fails the test,
 * so the seeds, and the regressions among them, never rot.
 *
 *   replay_X [FILE...]        (no files: the target's corpora, found
 *                              below $top_srcdir or the source tree)
 */
#include "autoconf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util.h"

static int n;

static void
one(const char *path)
{
	struct err e;
	char *data;
	size_t len;

	if (read_file(path, 64u * 1024 * 1024, &data, &len, &e) != RC_OK) {
		printf("not ok %d - %s: %s\n", ++n, path, e.msg);
		exit(1);
	}
	(void)LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	printf("ok %d - %s\n", ++n, path);
	fflush(stdout);
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	struct dirent **ents;
	int i, k, count;

	if (argc > 1) {
		/* The target's own default (AC_FUZZ_FORMAT for formats). */
		for (i = 1; i < argc; i++)
			one(argv[i]);
		printf("1..%d\n", n);
		return 0;
	}
	if (top == NULL)
		top = SRCDIR;
	for (k = 0; fuzz_corpora[k] != NULL; k++) {
		char *dir = xasprintf("%s/tests/fuzz/corpus/%s", top,
		    fuzz_corpora[k]);

		fuzz_select(fuzz_corpora[k]);
		if ((count = scandir(dir, &ents, NULL, by_name)) < 0) {
			printf("not ok %d - cannot read %s\n", ++n, dir);
			return 1;
		}
		for (i = 0; i < count; i++) {
			if (ents[i]->d_name[0] != '.') {
				char *path = xasprintf("%s/%s", dir,
				    ents[i]->d_name);

				one(path);
				free(path);
			}
			free(ents[i]);
		}
		free(ents);
		free(dir);
	}
	printf("1..%d\n", n);
	return n > 0 ? 0 : 1;
}
