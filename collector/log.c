#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "log.h"

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
	va_list ap;

	if (lvl == LOG_LVL_WARN && verbosity < 0)
		return;
	if (lvl == LOG_LVL_INFO && verbosity < 1)
		return;
	if (lvl == LOG_LVL_DEBUG && verbosity < 2)
		return;
	va_start(ap, fmt);
	if (to_syslog) {
		vsyslog(prio[lvl], fmt, ap);
	} else {
		if (lvl <= LOG_LVL_WARN)
			fputs(lvl == LOG_LVL_ERROR ? "abuse-collector: " :
			    "abuse-collector: warning: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
