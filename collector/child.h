/*
 * Running a program the collector was told to run (an IMAP source's
 * token_command, an [action NAME]): in a process group of its own, with
 * the environment it is given and nothing else, no descriptor of the
 * collector's but the three standard ones, bounded in time and in what
 * of its output is kept.
 */
#ifndef AC_CHILD_H
#define AC_CHILD_H

#include <stddef.h>

struct child_spec {
	const char	*path;		/* executed as it is: no shell, no
					 * PATH search */
	char *const	*argv;
	char *const	*envp;
	const char	*in;		/* its standard input; NULL:
					 * /dev/null */
	size_t		 inlen;
	int		 err_inherit;	/* 1: standard error is ours;
					 * 0: captured like standard output */
	long		 timeout;	/* seconds */
	size_t		 out_max;	/* bytes of standard output kept */
	int		 out_stop;	/* 1: filling out_max kills it; 0: the
					 * rest is read and thrown away */
	size_t		 err_max;	/* bytes of standard error kept; the
					 * rest is read and thrown away */
};

enum child_end {
	CHILD_EXITED,		/* code: its exit status */
	CHILD_SIGNALED,		/* code: the signal */
	CHILD_TIMEOUT,		/* killed with its group at the timeout */
	CHILD_TOO_MUCH,		/* out_stop: killed with its group */
	CHILD_FAILED		/* code: errno of what failed here (pipe,
				 * fork, wait); killed if it was running */
};

struct child_result {
	enum child_end	 end;
	int		 code;
	char		*out;		/* NUL-terminated; out_max bytes at
					 * most; never NULL after child_run */
	size_t		 outlen;
	char		*err;		/* the same for standard error */
	size_t		 errlen;
	int		 err_more;	/* it printed more than err_max */
	long		 ms;		/* how long it ran */
};

/*
 * Run the program of spec and wait for it: its exit is what ends the
 * wait, not the end of its output (a child it left in the background
 * may hold the output open for good).  Standard input gets in and is
 * then closed; a program that does not read it all is not an error.
 * When the timeout passes, the program and whatever it started in its
 * group are killed with SIGKILL.  r is always filled; release it with
 * child_result_release, which wipes what was captured.
 */
void child_run(const struct child_spec *spec, struct child_result *r);
void child_result_release(struct child_result *r);

#endif
