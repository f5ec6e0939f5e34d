/*
 * The templates of type = http ticket targets, and the JSON pointers
 * (RFC 6901) that read a ticket id from an answer.
 *
 * A placeholder is {NAME} with NAME one of ticket_var_name[]; in a body
 * its value is JSON-escaped (it belongs between quotes, or is a number),
 * in a URL percent-encoded.  Any other brace is text.
 */
#ifndef AC_TICKET_TPL_H
#define AC_TICKET_TPL_H

#include <stddef.h>

enum ticket_var { TV_CUSTOMER, TV_DAY, TV_CONFIDENCE, TV_CASE_KEY, TV_EVENT,
	TV_EVIDENCE, TV_TICKET_ID, TV_COUNT };
enum tpl_mode { TPL_JSON, TPL_URL };

extern const char *const ticket_var_name[TV_COUNT];

/* NULL when tmpl uses only known placeholders ({ticket_id} only when
 * with_id), else why not. */
const char *ticket_tpl_check(const char *tmpl, int with_id);
/* tmpl with its placeholders replaced by vals[] (NULL: empty). */
char *ticket_tpl_expand(const char *tmpl, const char *const vals[TV_COUNT],
    enum tpl_mode mode);
/* NULL when ptr is a JSON pointer ("" or "/a/0/b"), else why not. */
const char *ticket_pointer_check(const char *ptr);
/* The string or integer at ptr in doc, or NULL (absent, another type,
 * doc not JSON).  Caller frees. */
char *ticket_pointer_get(const char *doc, const char *ptr);

#endif
