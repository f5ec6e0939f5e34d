/*
 * Diagnostics.  Errors and warnings always go out (stderr, or syslog with
 * log = syslog); info only with -v; nothing at all on a quiet success, so
 * that cron mails only what needs a look.
 */
#ifndef AC_LOG_H
#define AC_LOG_H

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* verbosity: -1 quiet (errors only), 0 default, 1 -v, 2 -vv. */
void log_init(int verbosity, int use_syslog);
int log_verbosity(void);
void log_msg(enum log_level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...)	log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
