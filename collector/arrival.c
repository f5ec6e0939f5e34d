#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "arrival.h"
#include "bounds.h"
#include "text.h"
#include "util.h"

time_t
arrival_received(const char *raw, size_t len)
{
	const char *end = raw + len, *p = raw, *semi;
	char field[RECEIVED_FIELD_MAX];
	size_t fn = 0;
	int in = 0;
	time_t t;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		while (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;		/* the end of the header */
		if (in && (p[0] == ' ' || p[0] == '\t')) {
			/* A continuation of the field, unfolded. */
			if (fn + n + 1 >= sizeof(field))
				return 0;
			field[fn++] = ' ';
			memcpy(field + fn, p, n);
			fn += n;
		} else if (in) {
			break;
		} else if (has_prefix_ci(p, n, "Received:")) {
			in = 1;
			if ((fn = n - 9) >= sizeof(field))
				return 0;
			memcpy(field, p + 9, fn);
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (!in)
		return 0;
	field[fn] = '\0';
	if ((semi = strrchr(field, ';')) == NULL ||
	    parse_date(semi + 1, strlen(semi + 1), &t) < 0)
		return 0;
	return t;
}

void
arrival_span(long long secs, char *out, size_t outsz)
{
	static const struct { long long unit; const char *name; } u[] = {
		{ 365LL * 86400, "years" }, { 86400, "days" },
		{ 3600, "hours" }, { 60, "minutes" },
	};
	size_t i;

	for (i = 0; i < sizeof(u) / sizeof(u[0]) - 1; i++)
		if (secs >= 2 * u[i].unit)
			break;
	/* "1 minute": the larger units come two at the least. */
	snprintf(out, outsz, "%lld %.*s", secs / u[i].unit,
	    (int)strlen(u[i].name) - (secs / u[i].unit == 1), u[i].name);
}

/*
 * A time more than skew after the arrival had not happened when the
 * report was sent (a clock set wrong, a year typed wrong); one more than
 * max_age before it is a broken clock or a misread date.  Neither says
 * which day the incident was, and the arrival at least is when the
 * report was known.
 */
time_t
arrival_place(time_t occurred, time_t arrival, long long skew,
    long long max_age, char *note, size_t notesz)
{
	char at[21], span[48];

	if (occurred == 0) {
		snprintf(note, notesz, "undated: placed at its message's "
		    "arrival");
		return arrival;
	}
	if ((long long)occurred > (long long)arrival + skew)
		arrival_span((long long)occurred - arrival, span, sizeof(span));
	else if ((long long)occurred < (long long)arrival - max_age)
		arrival_span((long long)arrival - occurred, span, sizeof(span));
	else {
		if (notesz > 0)
			note[0] = '\0';
		return occurred;
	}
	iso8601_utc(occurred, at);
	snprintf(note, notesz, "dated %s, %s %s its message arrived: placed "
	    "at the arrival", at, span, occurred > arrival ? "after" :
	    "before");
	return arrival;
}
