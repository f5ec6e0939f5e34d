/*
 * The templates of customer notices ([notify]): plain text whose
 * placeholders are {NAME}, NAME one of notice_var_name[].  Any other
 * brace is text.  A template file is "Subject: ..." on its first line,
 * an empty line, then the body.
 */
#ifndef AC_NOTICE_TPL_H
#define AC_NOTICE_TPL_H

#include <stddef.h>

enum notice_var { NV_CUSTOMER, NV_NAME, NV_DAY, NV_EVENT, NV_INTERNAL,
	NV_EXTERNAL, NV_FIRST_SEEN, NV_LAST_SEEN, NV_SENDERS, NV_AUTH_USERS,
	NV_REPORTERS, NV_SAMPLES, NV_DESK, NV_COUNT };

extern const char *const notice_var_name[NV_COUNT];

/* 0 when text uses only known placeholders; else the line (1-based,
 * counted from first_line) of the first unknown one, its name in
 * name[namesz]. */
int notice_tpl_check(const char *text, int first_line, char *name,
    size_t namesz);
/* text with its placeholders replaced by vals[] (NULL: empty); new. */
char *notice_tpl_expand(const char *text, const char *const vals[NV_COUNT]);
/*
 * Split a template file's text into its subject and body (new strings);
 * NULL when it has the shape above, else why not, with *line the line
 * at fault.
 */
const char *notice_tpl_split(const char *text, char **subject, char **body,
    int *line);

#endif
