/* util.c: the capped buffer, number parsing, case-insensitive search,
 * masked URLs; files.c: atomic files and modes. */
#include "autoconf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "tap.h"
#include "util.h"

static void
search(void)
{
	static const struct {
		const char	*hay;
		const char	*needle;
		long		 at;	/* -1: not found */
	} t[] = {
		{ "Content-Type: multipart/report", "MULTIPART/", 14 },
		{ "xxmultipart/", "Multipart/", 2 },
		{ "abc", "abcd", -1 },
		{ "", "a", -1 },
		{ "abc", "", 0 },
		{ "aaab", "AAB", 1 },
		{ "a=b=c", "=c", 3 },
		{ "mUlTiPaRt", "multipart", 0 },
		{ "multipar", "multipart", -1 },
		{ "zzzzmultipart", "t", 7 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *r = memcasemem(t[i].hay, strlen(t[i].hay),
		    t[i].needle);

		ok((r ? r - t[i].hay : -1) == t[i].at, "find '%s' in '%s'",
		    t[i].needle, t[i].hay);
	}
	/* The length bounds the search, not a NUL. */
	ok(memcasemem("abcdef", 3, "de") == NULL, "search stops at n");
}

static void
numbers(void)
{
	long long v;

	ok(parse_ll("42", 0, 100, &v) == 0 && v == 42, "42");
	ok(parse_ll("101", 0, 100, &v) < 0, "over the maximum");
	ok(parse_ll(" 4", 0, 100, &v) < 0, "leading space");
	ok(parse_ll("4x", 0, 100, &v) < 0, "trailing junk");
	ok(parse_ll("", 0, 100, &v) < 0, "empty");
	ok(parse_ll("99999999999999999999", 0, LLONG_MAX, &v) < 0,
	    "overflow");
	ok(parse_size("25M", &v) == 0 && v == 25LL * 1024 * 1024, "25M");
	ok(parse_size("64k", &v) == 0 && v == 65536, "64k");
	ok(parse_size("1G", &v) == 0 && v == 1LL << 30, "1G");
	ok(parse_size("12", &v) == 0 && v == 12, "plain bytes");
	ok(parse_size("M", &v) < 0, "unit without number");
	ok(parse_size("5T", &v) < 0, "unknown unit");
	ok(parse_duration("10m", &v) == 0 && v == 600, "10m");
	ok(parse_duration("2h", &v) == 0 && v == 7200, "2h");
	ok(parse_duration("1d", &v) == 0 && v == 86400, "1d");
	ok(parse_duration("-5s", &v) < 0, "negative");
}

static void
buffers(void)
{
	struct buf b;
	char *p;
	size_t n;

	buf_init(&b, 8);
	ok(b.data != NULL && b.len == 0 && b.data[0] == '\0', "empty buffer");
	ok(buf_addstr(&b, "12345") == 0, "add within the cap");
	ok(buf_addstr(&b, "6789") < 0, "add over the cap fails");
	is(b.data, "12345", "a failed add changes nothing");
	ok(buf_addf(&b, "%d", 678) == 0 && b.len == 8, "fill to the cap");
	ok(buf_addch(&b, 'x') < 0, "one more byte fails");
	p = buf_detach(&b, &n);
	is(p, "12345678", "detach hands the data over");
	ok(n == 8 && b.len == 0 && b.data[0] == '\0', "and re-initialises");
	free(p);
	buf_release(&b);
}

static void
urls(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "https://api.example.net/lookup",
		    "https://api.example.net/lookup" },
		{ "https://api.example.net/v1?token=abc123",
		    "https://api.example.net/v1?token=***" },
		{ "https://h.example/x?apikey=K1&ip=192.0.2.1&access_token=T2",
		    "https://h.example/x?apikey=***&ip=192.0.2.1&"
		    "access_token=***" },
		{ "https://h.example/?API_KEY=a&Secret=b&password=c&sig=d",
		    "https://h.example/?API_KEY=***&Secret=***&password=***&"
		    "sig=***" },
		{ "https://h.example/?X-Amz-Signature=ab&X-Amz-Credential=cd",
		    "https://h.example/?X-Amz-Signature=***&"
		    "X-Amz-Credential=***" },
		{ "https://h.example/?key=&format=json&token",
		    "https://h.example/?key=***&format=json&token" },
		{ "https://u:p4ss@h.example:8443/x?key=v",
		    "https://***@h.example:8443/x?key=***" },
		{ "https://u:p@ss@h.example/a@b", "https://***@h.example/a@b" },
		{ "https://h.example/p?q=1#frag?token=x",
		    "https://h.example/p?q=1#frag?token=x" },
		{ "smtps://mail.example:465", "smtps://mail.example:465" },
		{ "https://h.example/?", "https://h.example/?" },
		{ "https://h.example/?&&token=z&",
		    "https://h.example/?&&token=***&" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *m = url_masked(t[i].in);

		is(m, t[i].want, "url %zu is masked", i);
		free(m);
	}
}

/* files.c: atomic files and modes, on a directory of its own. */
static void
files(void)
{
	char dir[] = "/tmp/ac-util-XXXXXX", p[128], q[128], buf[64];
	struct atomic_file af;
	struct err e = { RC_OK, "" };
	struct stat st;
	FILE *f;
	int old;

	if (mkdtemp(dir) == NULL) {
		ok(0, "a temporary directory");
		return;
	}
	snprintf(p, sizeof(p), "%s/out.csv", dir);
	snprintf(q, sizeof(q), "%s/victim", dir);
	umask(0);
	ok(atomic_file_open(&af, p, 0640, NO_GROUP, &e) == RC_OK,
	    "an atomic file opens (%s)", e.msg);
	ok(af.tmp != NULL && strncmp(af.tmp, dir, strlen(dir)) == 0 &&
	    strstr(af.tmp, "/.out.csv.") != NULL, "under a dot name in the "
	    "same directory: %s", af.tmp ? af.tmp : "");
	fputs("a,b\r\n", af.f);
	ok(access(p, F_OK) != 0, "nothing is at the name before the commit");
	ok(atomic_file_commit(&af, &e) == RC_OK, "commit");
	ok(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640,
	    "the file has the mode asked for under umask 0 (%o)",
	    (unsigned)(st.st_mode & 07777));
	f = fopen(p, "r");
	ok(f != NULL && fgets(buf, sizeof(buf), f) != NULL &&
	    strcmp(buf, "a,b\r\n") == 0, "and what was written");
	if (f != NULL)
		fclose(f);
	ok(atomic_file_open(&af, p, 0600, NO_GROUP, &e) == RC_OK,
	    "another one");
	fputs("half", af.f);
	atomic_file_abort(&af);
	f = fopen(p, "r");
	ok(f != NULL && fgets(buf, sizeof(buf), f) != NULL &&
	    strcmp(buf, "a,b\r\n") == 0, "an abort leaves the old file");
	if (f != NULL)
		fclose(f);

	unlink(p);
	ok(symlink(q, p) == 0, "a link in the file's place");
	ok(file_secure(p, 0600, NO_GROUP, 1, &old, &e) == RC_FATAL &&
	    strstr(e.msg, "symbolic link") != NULL && access(q, F_OK) != 0,
	    "file_secure refuses a link and creates nothing through it: %s",
	    e.msg);
	unlink(p);
	ok(file_secure(p, 0600, NO_GROUP, 0, &old, &e) == RC_OK &&
	    access(p, F_OK) != 0, "an absent file is left absent");
	ok(file_secure(p, 0600, NO_GROUP, 1, &old, &e) == RC_OK && old == -1 &&
	    stat(p, &st) == 0 && (st.st_mode & 07777) == 0600,
	    "or created with the mode, said as no change");
	chmod(p, 0664);
	ok(file_secure(p, 0600, NO_GROUP, 0, &old, &e) == RC_OK &&
	    old == 0664 && stat(p, &st) == 0 && (st.st_mode & 07777) == 0600,
	    "a wider one is narrowed, saying from what");
	ok(file_secure(p, 0600, NO_GROUP, 0, &old, &e) == RC_OK && old == -1,
	    "and once only");
	unlink(p);
	ok(mkfifo(p, 0600) == 0 && file_secure(p, 0600, NO_GROUP, 0, &old,
	    &e) == RC_FATAL && strstr(e.msg, "not a regular file") != NULL,
	    "a FIFO is refused without blocking: %s", e.msg);
	unlink(p);
	umask(022);
	rmdir(dir);
}

/* ctl_blank: C0, DEL, C1 and the bidirectional controls, one space each. */
static void
controls(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "plain é ›", "plain é ›" },
		{ "a\tb\x7f" "c\x1b[0m", "a b c [0m" },
		{ "\xc2\x80\xc2\x9b\xc2\x9f\xc2\xa0", "   \xc2\xa0" },
		{ "\xe2\x80\xa9\xe2\x80\xaa\xe2\x80\xae\xe2\x80\xaf",
		    "\xe2\x80\xa9  \xe2\x80\xaf" },
		{ "\xe2\x81\xa5\xe2\x81\xa6\xe2\x81\xa9\xe2\x81\xaa",
		    "\xe2\x81\xa5  \xe2\x81\xaa" },
		{ "cut \xc2", "cut \xc2" },
		{ "cut \xe2\x80", "cut \xe2\x80" },
	};
	char s[64];
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(s, sizeof(s), "%s", t[i].in);
		n = ctl_blank(s, strlen(s));
		ok(n == strlen(t[i].want) && strcmp(s, t[i].want) == 0,
		    "controls of case %zu blanked ('%s')", i, s);
	}
	ok(ctl_len("\xc2\x9b", 1) == 0, "a character cut by the length is not read");
}

/* fs_full_advice: the mount point of the file system holding a path
 * (a file, a directory, or one not made yet), found by its device. */
static void
full_advice(void)
{
	static const struct {
		const char	*path;
		const char	*want;
	} t[] = {
		{ "/proc/self/status", "mounted on /proc " },
		{ "/proc", "mounted on /proc " },
		{ "/proc/no/such/dir/file", "mounted on /proc " },
		{ "/", "mounted on / " },
	};
	char out[256];
	size_t i;

	if (access("/proc/self/status", R_OK) != 0) {
		ok(1, "# SKIP no /proc");
		return;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fs_full_advice(t[i].path, out, sizeof(out));
		ok(strncmp(out, "free space on the file system ", 30) == 0 &&
		    strstr(out, t[i].want) != NULL &&
		    strstr(out, " and run again") != NULL,
		    "%s: %s", t[i].path, out);
	}
	ok(errno_full(ENOSPC) && errno_full(EDQUOT) && !errno_full(EIO),
	    "ENOSPC and EDQUOT are a full disk, EIO is not");
}

int
main(void)
{
	full_advice();
	controls();
	search();
	numbers();
	buffers();
	urls();
	files();
	return tap_done();
}
