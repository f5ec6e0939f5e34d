#include "autoconf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "bounds.h"
#include "text.h"
#include "util.h"

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, need;
	unsigned int cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			need = 1, cp = p[i] & 0x1f;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			need = 2, cp = p[i] & 0x0f;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			need = 3, cp = p[i] & 0x07;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* Control characters out, length capped at a character boundary. */
static char *
sanitise(char *s, size_t max)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = ctl_blank(s, strlen(s)), i, j = 0;
	int space = 1;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == ' ' && space)
			continue;
		space = c == ' ';
		p[j++] = c;
	}
	while (j > 0 && p[j - 1] == ' ')
		j--;
	if (j > max) {
		j = max;
		while (j > 0 && (p[j] & 0xc0) == 0x80)
			j--;
	}
	p[j] = '\0';
	return s;
}

/*
 * Charset conversion for libetpan.  libetpan converts through iconv and
 * opens a converter for every call, which costs more than the rest of a
 * header's decoding; it offers this hook for a conversion of one's own.
 * Ours is still iconv, with the converters kept open (a few per thread,
 * by name), and plain ASCII copied as it is when both charsets are ASCII
 * supersets.  Like libetpan's, a byte that does not convert becomes '?'.
 */
#define CONVERTERS	8

static _Thread_local struct converter {
	char	to[32], from[32];
	iconv_t	cd;
	int	used;
} converters[CONVERTERS];
static _Thread_local int converter_clock;

static int
ascii_superset(const char *cs)
{
	static const char *const prefixes[] = { "us-ascii", "ascii", "utf-8",
	    "utf8", "iso-8859", "iso8859", "iso_8859", "latin", "windows-",
	    "cp125", "koi8" };
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (ascii_ncasecmp(cs, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

static iconv_t
converter(const char *to, const char *from)
{
	struct converter *c, *victim = &converters[0];
	size_t i;

	if (strlen(to) >= sizeof(c->to) || strlen(from) >= sizeof(c->from))
		return (iconv_t)-1;
	for (i = 0; i < CONVERTERS; i++) {
		c = &converters[i];
		if (c->used && ascii_casecmp(c->to, to) == 0 &&
		    ascii_casecmp(c->from, from) == 0) {
			c->used = ++converter_clock;
			return c->cd;
		}
		if (c->used < victim->used)
			victim = c;
	}
	if (victim->used)
		iconv_close(victim->cd);
	victim->used = 0;
	if ((victim->cd = iconv_open(to, from)) == (iconv_t)-1)
		return (iconv_t)-1;
	snprintf(victim->to, sizeof(victim->to), "%s", to);
	snprintf(victim->from, sizeof(victim->from), "%s", from);
	victim->used = ++converter_clock;
	return victim->cd;
}

static int
kept_charconv(const char *to, const char *from, const char *str,
    size_t length, char *result, size_t *result_len)
{
	char *in = (char *)(uintptr_t)str, *out = result;
	size_t inleft = length, outleft = *result_len, i;
	iconv_t cd;

	for (i = 0; i < length && (unsigned char)str[i] < 0x80; i++)
		;
	if (i == length && ascii_superset(to) && ascii_superset(from) &&
	    length <= *result_len) {
		memcpy(result, str, length);
		*result_len = length;
		return MAIL_CHARCONV_NO_ERROR;
	}
	if ((cd = converter(to, from)) == (iconv_t)-1)
		return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET;
	(void)iconv(cd, NULL, NULL, NULL, NULL);	/* initial state */
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1)
			break;
		if (errno == E2BIG || outleft == 0)
			return MAIL_CHARCONV_ERROR_CONV;
		/* Not convertible, or cut short: '?' for one byte. */
		*out++ = '?';
		outleft--;
		in++;
		inleft--;
	}
	if (iconv(cd, NULL, NULL, &out, &outleft) == (size_t)-1)
		return MAIL_CHARCONV_ERROR_CONV;
	*result_len = (size_t)(out - result);
	return MAIL_CHARCONV_NO_ERROR;
}

void
text_thread_release(void)
{
	size_t i;

	for (i = 0; i < CONVERTERS; i++)
		if (converters[i].used) {
			iconv_close(converters[i].cd);
			converters[i].used = 0;
		}
	converter_clock = 0;
}

__attribute__((constructor)) static void
install_charconv(void)
{
	extended_charconv = kept_charconv;
}

char *
text_to_utf8(const char *charset, const char *p, size_t n, size_t *outlen)
{
	char *out = NULL;
	size_t olen = 0;
	char *r;

	if (charset == NULL || ascii_casecmp(charset, "us-ascii") == 0 ||
	    ascii_casecmp(charset, "utf-8") == 0 ||
	    ascii_casecmp(charset, "utf8") == 0)
		charset = utf8_valid(p, n) ? NULL : "windows-1252";
	if (charset != NULL &&
	    charconv_buffer("utf-8", charset, p, n, &out, &olen) ==
	    MAIL_CHARCONV_NO_ERROR) {
		r = xstrndup(out, olen);
		charconv_buffer_free(out);
	} else if (charset != NULL && !utf8_valid(p, n) &&
	    charconv_buffer("utf-8", "windows-1252", p, n, &out, &olen) ==
	    MAIL_CHARCONV_NO_ERROR) {
		/* An unknown charset name: Windows-1252 reads any byte. */
		r = xstrndup(out, olen);
		charconv_buffer_free(out);
	} else {
		r = xstrndup(p, n);
		olen = n;
	}
	if (outlen != NULL)
		*outlen = olen;
	return r;
}

/* A charset worth trying for undeclared 8-bit text: not ASCII or UTF-8
 * (which the bytes have already failed to be). */
static const char *
fallback_charset(const char *cs)
{
	if (cs == NULL || ascii_casecmp(cs, "us-ascii") == 0 ||
	    ascii_casecmp(cs, "utf-8") == 0 || ascii_casecmp(cs, "utf8") == 0)
		return "windows-1252";
	return cs;
}

char *
decode_header_cs(const char *p, size_t n, const char *charset, size_t max)
{
	int utf8 = utf8_valid(p, n);
	const char *dflt = utf8 ? "utf-8" : fallback_charset(charset);
	char *tmp, *out = NULL, *r;
	size_t idx = 0, l;

	/* Plain ASCII without encoded words: nothing to convert. */
	if (utf8 && memchr(p, '=', n) == NULL) {
		size_t i;

		for (i = 0; i < n && (unsigned char)p[i] < 0x80; i++)
			;
		if (i == n)
			return sanitise(xstrndup(p, n), max);
	}
	tmp = xstrndup(p, n);
	if (mailmime_encoded_phrase_parse(dflt, tmp, n, &idx, "utf-8",
	    &out) == MAILIMF_NO_ERROR && out != NULL) {
		r = xstrdup(out);
		free(out);
		if (!utf8_valid(r, strlen(r))) {
			/* An encoded word that lied about its charset. */
			char *fixed = text_to_utf8("windows-1252", r,
			    strlen(r), &l);

			free(r);
			r = fixed;
		}
	} else {
		r = text_to_utf8(utf8 ? NULL : dflt, p, n, &l);
	}
	free(tmp);
	return sanitise(r, max);
}

char *
decode_header(const char *p, size_t n, size_t max)
{
	return decode_header_cs(p, n, NULL, max);
}

/* Offsets of the obsolete and common alphabetic zones, in minutes. */
static const struct {
	const char	*name;
	int		 minutes;
} zones[] = {
	{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
	{ "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
	{ "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
	{ "JST", 540 }, { "CET", 60 }, { "CEST", 120 }, { "BST", 60 },
	{ "MET", 60 }, { "MEST", 120 }, { "EET", 120 }, { "EEST", 180 },
	{ "WET", 0 }, { "WEST", 60 }, { "IST", 330 }, { "HKT", 480 },
	{ "KST", 540 }, { "AEST", 600 }, { "AEDT", 660 },
};

static int
zone_lookup(const char *s, size_t n, int *minutes)
{
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strlen(zones[i].name) == n &&
		    ascii_ncasecmp(zones[i].name, s, n) == 0) {
			*minutes = zones[i].minutes;
			return 0;
		}
	return -1;
}

/*
 * 1980 to 2099: a date in that span is read as written.  Whether it can
 * be true of a report is judged against its message's arrival when the
 * report is stored (pipeline.c, [cases] max_clock_skew), so that a
 * report dated years ahead is placed at its arrival and marked, not
 * dated by some other header in its stead.
 */
static int
plausible(time_t t)
{
	return t >= 315532800 && t < 4102444800;
}

static int
tm_valid(const struct tm *tm)
{
	return tm->tm_mon >= 0 && tm->tm_mon < 12 && tm->tm_mday >= 1 &&
	    tm->tm_mday <= 31 && tm->tm_hour >= 0 && tm->tm_hour < 24 &&
	    tm->tm_min >= 0 && tm->tm_min < 60 && tm->tm_sec >= 0 &&
	    tm->tm_sec <= 60;
}

/* YYYY-MM-DD[T ]HH:MM[:SS][.frac][Z|+HH[:]MM] */
static int
parse_iso(const char *s, time_t *out)
{
	struct tm tm;
	const char *p;
	int off = 0, sign, hh, mm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if ((p = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		const char *q = strptime(p + 1, "%H:%M:%S", &tm);

		if (q == NULL && (q = strptime(p + 1, "%H:%M", &tm)) == NULL)
			return -1;
		p = q;
		if (*p == '.' || *p == ',')
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	while (*p == ' ')
		p++;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (!isdigit((unsigned char)p[0]) ||
		    !isdigit((unsigned char)p[1]))
			return -1;
		hh = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
		if (*p == ':')
			p++;
		mm = 0;
		if (isdigit((unsigned char)p[0]) &&
		    isdigit((unsigned char)p[1])) {
			mm = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
		if (hh > 14 || mm > 59)
			return -1;
		off = sign * (hh * 60 + mm);
	} else if (*p != '\0' && *p != '(') {
		int z;
		size_t k = 0;

		while (isalpha((unsigned char)p[k]))
			k++;
		if (zone_lookup(p, k, &z) < 0)
			return -1;
		off = z;
		p += k;
	}
	while (*p == ' ')
		p++;
	if (*p != '\0' && *p != '(')
		return -1;
	if (!tm_valid(&tm) || (t = timegm(&tm)) == (time_t)-1)
		return -1;
	*out = t - (time_t)off * 60;
	return 0;
}

int
parse_date(const char *p, size_t n, time_t *out)
{
	struct mailimf_date_time *dt = NULL;
	char s[128];
	struct tm tm;
	size_t idx = 0, i;
	int off, z;
	time_t t;
	const char *colon, *tok;

	trim(&p, &n);
	if (n == 0 || n >= sizeof(s))
		return -1;
	memcpy(s, p, n);
	s[n] = '\0';
	if (n >= 10 && isdigit((unsigned char)s[0]) && s[4] == '-') {
		if (parse_iso(s, &t) < 0 || !plausible(t))
			return -1;
		*out = t;
		return 0;
	}
	if (mailimf_date_time_parse(s, n, &idx, &dt) != MAILIMF_NO_ERROR)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = dt->dt_year;
	if (tm.tm_year < 50)
		tm.tm_year += 2000;
	else if (tm.tm_year < 1000)
		tm.tm_year += 1900;
	tm.tm_year -= 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	z = dt->dt_zone;
	mailimf_date_time_free(dt);
	off = (z < 0 ? -1 : 1) * ((abs(z) / 100) * 60 + abs(z) % 100);
	/*
	 * libetpan reads numeric zones well but not every alphabetic one
	 * ("UT" comes back as +0001): look at the token after the time and
	 * decide alphabetic zones here.
	 */
	colon = strchr(s, ':');
	tok = colon ? strchr(colon, ' ') : NULL;
	if (tok != NULL) {
		while (*tok == ' ')
			tok++;
		for (i = 0; isalpha((unsigned char)tok[i]); i++)
			;
		if (i > 0 && zone_lookup(tok, i, &z) == 0)
			off = z;
		else if (i > 0)
			off = 0;	/* unknown zone: RFC 5322 says -0000 */
	}
	if (!tm_valid(&tm) || (t = timegm(&tm)) == (time_t)-1)
		return -1;
	t -= (time_t)off * 60;
	if (!plausible(t))
		return -1;
	*out = t;
	return 0;
}

int
ip_normalise(const char *p, size_t n, char out[IP_STRLEN])
{
	unsigned char a[16];
	char s[IP_STRLEN + 8];

	trim(&p, &n);
	if (n >= 2 && p[0] == '[' && p[n - 1] == ']')
		p++, n -= 2;
	if (has_prefix_ci(p, n, "IPv6:"))
		p += 5, n -= 5;
	if (n == 0 || n >= sizeof(s))
		return 0;
	memcpy(s, p, n);
	s[n] = '\0';
	if (inet_pton(AF_INET, s, a) == 1) {
		inet_ntop(AF_INET, a, out, IP_STRLEN);
		return 4;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0,
		    0, 0, 0, 0, 0xff, 0xff };

		if (memcmp(a, mapped, 12) == 0) {
			inet_ntop(AF_INET, a + 12, out, IP_STRLEN);
			return 4;
		}
		inet_ntop(AF_INET6, a, out, IP_STRLEN);
		return 6;
	}
	return 0;
}

static int
ipchar(int c)
{
	return isxdigit(c) || c == ':' || c == '.';
}

int
ip_find(const char *p, size_t n, char out[IP_STRLEN])
{
	size_t i = 0, j;

	while (i < n) {
		while (i < n && !ipchar((unsigned char)p[i]))
			i++;
		j = i;
		while (j < n && ipchar((unsigned char)p[j]))
			j++;
		/* A token glued to letters is a word, not an address. */
		if (j - i >= 3 && (i == 0 || !isalnum((unsigned char)p[i - 1]))) {
			size_t k = j;

			while (k > i && p[k - 1] == '.')
				k--;
			if (ip_normalise(p + i, k - i, out))
				return 1;
		}
		i = j;
	}
	return 0;
}

/*
 * An address whose local part is an RFC 5321 quoted string ("john
 * smith"@example.com, "=HYPERLINK(\"...\")"@example.org): libetpan's
 * mailbox parser drops the spaces of a quoted local part and the
 * bracket fallback stops at a '>' inside it, so the quoted string is read
 * here with mailimf_quoted_string_parse and written back quoted, with
 * its quotes and backslashes escaped.  NULL when there is none.
 */
static char *
quoted_local_addr(const char *p, size_t n)
{
	struct buf b;
	size_t i = 0, idx, d;
	char *q, *c, *r;
	int bad;

	while (i < n) {
		if (p[i] != '"') {
			i++;
			continue;
		}
		idx = i;
		q = NULL;
		if (mailimf_quoted_string_parse(p, n, &idx, &q) !=
		    MAILIMF_NO_ERROR) {
			i++;
			continue;
		}
		if (idx >= n || p[idx] != '@') {
			free(q);
			i = idx;
			continue;
		}
		for (d = idx + 1; d < n && p[d] != '>' && p[d] != ',' &&
		    !isspace((unsigned char)p[d]); d++)
			;
		if (d == idx + 1) {
			free(q);
			return NULL;
		}
		/* Longer than a header field: not an address to keep. */
		buf_init(&b, MAX_FIELD_LEN);
		bad = buf_addch(&b, '"');
		for (c = q; *c; c++) {
			if (*c == '"' || *c == '\\')
				bad |= buf_addch(&b, '\\');
			bad |= buf_addch(&b, *c);
		}
		bad |= buf_addch(&b, '"');
		bad |= buf_add(&b, p + idx, d - idx);
		free(q);
		r = bad ? NULL : buf_detach(&b, NULL);
		buf_release(&b);
		return r;
	}
	return NULL;
}

char *
addr_spec(const char *p, size_t n)
{
	struct mailimf_mailbox_list *mb = NULL;
	const char *lt, *gt;
	char *tmp, *r = NULL;
	size_t idx = 0;

	trim(&p, &n);
	if (n == 0)
		return NULL;
	if ((r = quoted_local_addr(p, n)) != NULL)
		return r;
	tmp = xstrndup(p, n);
	if (mailimf_mailbox_list_parse(tmp, n, &idx, &mb) ==
	    MAILIMF_NO_ERROR) {
		if (clist_begin(mb->mb_list) != NULL) {
			struct mailimf_mailbox *m =
			    clist_content(clist_begin(mb->mb_list));

			if (m->mb_addr_spec != NULL && *m->mb_addr_spec)
				r = xstrdup(m->mb_addr_spec);
		}
		mailimf_mailbox_list_free(mb);
	}
	free(tmp);
	if (r != NULL)
		return r;
	/* Not RFC 5322 (hashed, redacted, bare local part): take what is
	 * between angle brackets, else the whole trimmed value. */
	if ((lt = memchr(p, '<', n)) != NULL &&
	    (gt = memchr(lt, '>', n - (size_t)(lt - p))) != NULL) {
		p = lt + 1;
		n = (size_t)(gt - lt) - 1;
		trim(&p, &n);
	}
	return n ? xstrndup(p, n) : NULL;
}

char *
msgid_strip(const char *p, size_t n)
{
	const char *lt, *gt;

	trim(&p, &n);
	if ((lt = memchr(p, '<', n)) != NULL &&
	    (gt = memchr(lt, '>', n - (size_t)(lt - p))) != NULL) {
		p = lt + 1;
		n = (size_t)(gt - lt) - 1;
		trim(&p, &n);
	}
	return n ? xstrndup(p, n) : NULL;
}
