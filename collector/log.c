#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "util.h"

static int verbosity;
static int to_syslog;

void
log_init(int v, int use_syslog)
{
	verbosity = v;
	if (use_syslog && !to_syslog)
		openlog("abuse-collector", LOG_PID, LOG_MAIL);
	to_syslog = use_syslog;
}

int
log_verbosity(void)
{
	return verbosity;
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[4096];
	va_list ap;

	if (lvl == LOG_LVL_WARN && verbosity < 0)
		return;
	if (lvl == LOG_LVL_INFO && verbosity < 1)
		return;
	if (lvl == LOG_LVL_DEBUG && verbosity < 2)
		return;
	/* Messages quote what mail holds (subjects, addresses, server
	 * replies): no control character reaches a terminal or syslog. */
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ctl_blank(line, strlen(line));
	if (to_syslog) {
		syslog(prio[lvl], "%s", line);
	} else {
		if (lvl <= LOG_LVL_WARN)
			fputs(lvl == LOG_LVL_ERROR ? "abuse-collector: " :
			    "abuse-collector: warning: ", stderr);
		fputs(line, stderr);
		fputc('\n', stderr);
	}
}
