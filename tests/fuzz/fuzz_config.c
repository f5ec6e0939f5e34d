/*
 * The configuration loader: config_load() reads a path, so each input is
 * written to a private temporary file first.  Loaded or refused, nothing
 * may crash, and a loaded configuration must print.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "util.h"

const char *const fuzz_corpora[] = { "config", NULL };

void
fuzz_select(const char *corpus)
{
	(void)corpus;
}

static char path[64];

static void
cleanup(void)
{
	if (path[0] != '\0')
		(void)unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct err e;
	FILE *f;
	int fd;

	if (path[0] == '\0') {
		(void)snprintf(path, sizeof(path), "%s",
		    "/tmp/ac-fuzz-config.XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			abort();
		(void)close(fd);
		atexit(cleanup);
	}
	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	if (config_load(&c, path, &e) == RC_OK) {
		FILE *null = fopen("/dev/null", "w");

		if (null == NULL)
			abort();
		config_print(&c, null);
		fclose(null);
		config_release(&c);
	} else if (e.rc != RC_FATAL || e.msg[0] == '\0') {
		abort();
	}
	return 0;
}
