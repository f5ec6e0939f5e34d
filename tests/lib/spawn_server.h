/*
 * For unit tests that need a real server: start a helper program with
 * an argument list, wait for the port it writes to a file, stop it.
 */
#ifndef AC_TEST_SPAWN_SERVER_H
#define AC_TEST_SPAWN_SERVER_H

#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* 1 when prog is found on PATH. */
static inline int
spawn_have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/*
 * Start argv (argv[0] searched on PATH) and wait up to 10 s for
 * port_file to appear; its number goes to *port.  Returns the pid, or -1.
 */
static inline pid_t
spawn_server(char *const argv[], const char *port_file, int *port)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	pid_t pid;
	int i;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	for (i = 0; i < 500; i++) {
		FILE *f = fopen(port_file, "r");
		char line[32];

		if (f != NULL) {
			char *end;
			long v = 0;

			if (fgets(line, sizeof(line), f) != NULL)
				v = strtol(line, &end, 10);
			fclose(f);
			if (v > 0 && v < 65536) {
				*port = (int)v;
				return pid;
			}
		}
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		nanosleep(&nap, NULL);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return -1;
}

static inline void
spawn_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

#endif
