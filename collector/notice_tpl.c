#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice_tpl.h"
#include "util.h"

const char *const notice_var_name[NV_COUNT] = {
	[NV_CUSTOMER] = "customer", [NV_NAME] = "name", [NV_DAY] = "day",
	[NV_EVENT] = "event", [NV_INTERNAL] = "internal_reports",
	[NV_EXTERNAL] = "external_reports", [NV_FIRST_SEEN] = "first_seen",
	[NV_LAST_SEEN] = "last_seen", [NV_SENDERS] = "senders",
	[NV_AUTH_USERS] = "auth_users", [NV_REPORTERS] = "reporters",
	[NV_SAMPLES] = "samples", [NV_DESK] = "desk",
};

/* The placeholder at p ("{name}"): its length with the braces and *var
 * (NV_COUNT for an unknown name); 0 when p holds none. */
static size_t
placeholder(const char *p, enum notice_var *var)
{
	size_t n, i;

	if (*p != '{')
		return 0;
	for (n = 1; n < 40 && (islower((unsigned char)p[n]) || p[n] == '_');
	    n++)
		;
	if (n == 1 || p[n] != '}')
		return 0;
	*var = NV_COUNT;
	for (i = 0; i < NV_COUNT; i++)
		if (strlen(notice_var_name[i]) == n - 1 &&
		    strncmp(p + 1, notice_var_name[i], n - 1) == 0)
			*var = (enum notice_var)i;
	return n + 1;
}

int
notice_tpl_check(const char *text, int first_line, char *name,
    size_t namesz)
{
	enum notice_var v;
	int line = first_line;
	size_t n;

	for (; *text != '\0'; text++) {
		if (*text == '\n')
			line++;
		if ((n = placeholder(text, &v)) == 0)
			continue;
		if (v == NV_COUNT) {
			snprintf(name, namesz, "%.*s", (int)n, text);
			return line;
		}
		text += n - 1;
	}
	return 0;
}

char *
notice_tpl_expand(const char *text, const char *const vals[NV_COUNT])
{
	enum notice_var v;
	struct buf b;
	char *out;
	size_t n;

	buf_init(&b, 1024 * 1024);
	while (*text != '\0') {
		if ((n = placeholder(text, &v)) == 0 || v == NV_COUNT) {
			buf_add(&b, text, 1);
			text++;
			continue;
		}
		if (vals[v] != NULL)
			buf_addstr(&b, vals[v]);
		text += n;
	}
	out = buf_detach(&b, NULL);
	buf_release(&b);
	return out;
}

const char *
notice_tpl_split(const char *text, char **subject, char **body, int *line)
{
	const char *nl, *s;
	size_t n;

	*subject = *body = NULL;
	*line = 1;
	if (strncmp(text, "Subject:", 8) != 0)
		return "the first line must be \"Subject: ...\"";
	if ((nl = strchr(text, '\n')) == NULL)
		return "no body after the subject";
	s = text + 8;
	n = (size_t)(nl - s);
	trim(&s, &n);
	if (n == 0)
		return "empty subject";
	*line = 2;
	if (nl[1] != '\n' && !(nl[1] == '\r' && nl[2] == '\n'))
		return "an empty line must follow the subject";
	*subject = xstrndup(s, n);
	*body = xstrdup(nl + (nl[1] == '\n' ? 2 : 3));
	return NULL;
}
