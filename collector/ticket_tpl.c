#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "json.h"
#include "ticket_tpl.h"
#include "util.h"

const char *const ticket_var_name[TV_COUNT] = {
	[TV_CUSTOMER] = "customer", [TV_DAY] = "day",
	[TV_CONFIDENCE] = "confidence", [TV_CASE_KEY] = "case_key",
	[TV_EVENT] = "event", [TV_EVIDENCE] = "evidence",
	[TV_TICKET_ID] = "ticket_id",
};

/* The placeholder at p ("{name}"): its length (braces included) and
 * *var; 0 when p holds none.  *var = TV_COUNT for an unknown name. */
static size_t
placeholder(const char *p, enum ticket_var *var)
{
	size_t n, i;

	if (*p != '{')
		return 0;
	for (n = 1; n < 32 && (islower((unsigned char)p[n]) || p[n] == '_');
	    n++)
		;
	if (n == 1 || p[n] != '}')
		return 0;
	*var = TV_COUNT;
	for (i = 0; i < TV_COUNT; i++)
		if (strlen(ticket_var_name[i]) == n - 1 &&
		    strncmp(p + 1, ticket_var_name[i], n - 1) == 0)
			*var = (enum ticket_var)i;
	return n + 1;
}

const char *
ticket_tpl_check(const char *tmpl, int with_id)
{
	enum ticket_var v;
	size_t n;

	for (; *tmpl != '\0'; tmpl++) {
		if ((n = placeholder(tmpl, &v)) == 0)
			continue;
		if (v == TV_COUNT)
			return "unknown placeholder (customer, day, confidence, "
			    "case_key, event, evidence, ticket_id)";
		if (v == TV_TICKET_ID && !with_id)
			return "{ticket_id} is not known before the ticket is "
			    "created";
		tmpl += n - 1;
	}
	return NULL;
}

char *
ticket_tpl_expand(const char *tmpl, const char *const vals[TV_COUNT],
    enum tpl_mode mode)
{
	enum ticket_var v;
	struct buf b;
	const char *val;
	char *s, *out;
	size_t n;

	buf_init(&b, 1024 * 1024);
	while (*tmpl != '\0') {
		if ((n = placeholder(tmpl, &v)) == 0 || v == TV_COUNT) {
			buf_add(&b, tmpl, 1);
			tmpl++;
			continue;
		}
		val = vals[v] != NULL ? vals[v] : "";
		if (mode == TPL_URL) {
			s = http_escape(val, strlen(val));
			buf_addstr(&b, s);
		} else {
			/* Without the quotes json_quote puts around it. */
			s = json_quote_text(val);
			buf_add(&b, s + 1, strlen(s) - 2);
		}
		free(s);
		tmpl += n;
	}
	out = buf_detach(&b, NULL);
	buf_release(&b);
	return out;
}

const char *
ticket_pointer_check(const char *ptr)
{
	const char *p;

	if (*ptr != '\0' && *ptr != '/')
		return "a JSON pointer is empty or starts with '/'";
	if (strlen(ptr) > 200)
		return "longer than 200 bytes";
	for (p = ptr; *p != '\0'; p++) {
		if (*p == '~' && p[1] != '0' && p[1] != '1')
			return "'~' is followed by neither 0 nor 1";
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
			return "quotes, backslashes and control characters "
			    "are not allowed";
	}
	return NULL;
}

char *
ticket_pointer_get(const char *doc, const char *ptr)
{
	struct buf path;
	const char *p, *end;
	char *type = NULL, *v = NULL, *seg = NULL;
	size_t i, n;

	if (doc == NULL || ticket_pointer_check(ptr) != NULL)
		return NULL;
	buf_init(&path, 4096);
	buf_addstr(&path, "$");
	for (p = ptr; *p == '/'; p = end) {
		end = strchr(p + 1, '/');
		if (end == NULL)
			end = p + strlen(p);
		/* The reference token, ~1 and ~0 undone. */
		seg = xmalloc((size_t)(end - p));
		for (i = 1, n = 0; p + i < end; i++) {
			if (p[i] == '~') {
				seg[n++] = p[i + 1] == '1' ? '/' : '~';
				i++;
			} else
				seg[n++] = p[i];
		}
		seg[n] = '\0';
		if ((type = json_type_at(doc, path.data)) == NULL)
			goto out;
		if (strcmp(type, "array") == 0) {
			if (n == 0 || n > 9 || strspn(seg, "0123456789") != n ||
			    (n > 1 && seg[0] == '0'))
				goto out;
			buf_addf(&path, "[%s]", seg);
		} else if (strcmp(type, "object") == 0)
			buf_addf(&path, ".\"%s\"", seg);
		else
			goto out;
		free(type);
		type = NULL;
		free(seg);
		seg = NULL;
	}
	if ((type = json_type_at(doc, path.data)) != NULL &&
	    (strcmp(type, "text") == 0 || strcmp(type, "integer") == 0))
		v = json_get(doc, path.data);
out:
	free(type);
	free(seg);
	buf_release(&path);
	return v;
}
