/*
 * http.c against a real HTTP(S) server on 127.0.0.1 (python3, started
 * here): methods, headers, bodies, status codes passed through, the
 * response cap, timeouts, refused connections, what errors may show, and
 * TLS verified against a test CA (untrusted and wrongly named
 * certificates fail).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "json.h"
#include "spawn_server.h"
#include "tap.h"
#include "util.h"

static char dir[] = "/tmp/ac-http-XXXXXX";
static char script[4096];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start the test server; with cert, over TLS.  Returns the pid. */
static pid_t
server(const char *name, const char *cert, int *port)
{
	char pf[512], log[512], certp[512], keyp[512];
	char py[] = "python3", opf[] = "--port-file", olog[] = "--log";
	char otls[] = "--tls";
	char *argv[] = { py, script, opf, pf, olog, log, NULL, NULL, NULL,
	    NULL };

	snprintf(pf, sizeof(pf), "%s/%s.port", dir, name);
	snprintf(log, sizeof(log), "%s/%s.log", dir, name);
	if (cert != NULL) {
		snprintf(certp, sizeof(certp), "%s/%s.pem", dir, cert);
		snprintf(keyp, sizeof(keyp), "%s/%s.key", dir, cert);
		argv[6] = otls;
		argv[7] = certp;
		argv[8] = keyp;
	}
	return spawn_server(argv, pf, port);
}

/* A port nothing listens on. */
static int
closed_port(void)
{
	struct sockaddr_in a;
	socklen_t n = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &n) != 0)
		abort();
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static enum rc
get(struct http_client *c, const char *url, long timeout_ms, size_t cap,
    const char *ca, struct http_response *r, struct err *e)
{
	struct http_request q;

	memset(&q, 0, sizeof(q));
	q.url = url;
	q.timeout_ms = timeout_ms;
	q.max_response = cap;
	q.ca_file = ca;
	return http_do(c, &q, r, e);
}

static void
plain(struct http_client *c, int port)
{
	static const char *const hdrs[] = { "X-Test: yes",
	    "Content-Type: application/json", NULL };
	static const char *const bad_hdrs[] = { "X-Test: a\r\nX-Evil: 1",
	    NULL };
	struct http_request q;
	struct http_response r;
	struct err e;
	char url[256], *v;
	double t0;
	enum rc rc;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/echo?a=1", port);
	memset(&q, 0, sizeof(q));
	q.url = url;
	q.headers = hdrs;
	rc = http_do(c, &q, &r, &e);
	ok(rc == RC_OK && r.status == 200, "GET /echo answers 200");
	v = json_get(r.body, "$.method");
	is(v, "GET", "the server saw a GET");
	free(v);
	v = json_get(r.body, "$.headers.x-test");
	is(v, "yes", "an extra header arrives");
	free(v);
	v = json_get(r.body, "$.headers.user-agent");
	is(v, PACKAGE_NAME "/" PACKAGE_VERSION, "the user agent names us");
	free(v);
	is(r.content_type, "application/json", "the content type is kept");
	http_response_release(&r);

	q.method = "POST";
	q.body = "{\"event\":\"case.opened\"}";
	q.body_len = strlen(q.body);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/echo", port);
	rc = http_do(c, &q, &r, &e);
	ok(rc == RC_OK && r.status == 200, "POST /echo answers 200");
	v = json_get(r.body, "$.body");
	is(v, "{\"event\":\"case.opened\"}", "the body arrives whole");
	free(v);
	v = json_get(r.body, "$.method");
	is(v, "POST", "the server saw a POST");
	free(v);
	http_response_release(&r);

	q.headers = bad_hdrs;
	rc = http_do(c, &q, &r, &e);
	ok(rc == RC_REJECT && strstr(e.msg, "line break") != NULL,
	    "a header with CR LF is refused: %s", e.msg);
	http_response_release(&r);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/status/500", port);
	rc = get(c, url, 5000, 0, NULL, &r, &e);
	ok(rc == RC_OK && r.status == 500, "a 500 is passed to the caller");
	is(r.body, "status 500", "with its body");
	http_response_release(&r);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/status/302", port);
	rc = get(c, url, 5000, 0, NULL, &r, &e);
	ok(rc == RC_OK && r.status == 302, "a redirect is not followed");
	http_response_release(&r);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/big/1000", port);
	rc = get(c, url, 5000, 1000, NULL, &r, &e);
	ok(rc == RC_OK && r.body_len == 1000, "an answer at the cap is read");
	http_response_release(&r);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/big/1001", port);
	rc = get(c, url, 5000, 1000, NULL, &r, &e);
	ok(rc == RC_REJECT && strstr(e.msg, "larger than 1000 bytes"),
	    "an answer over the cap is refused: %s", e.msg);
	http_response_release(&r);

	snprintf(url, sizeof(url),
	    "http://user:s3cret@127.0.0.1:%d/slow/3?ip=192.0.2.7", port);
	t0 = now();
	rc = get(c, url, 500, 0, NULL, &r, &e);
	ok(rc == RC_TEMP && now() - t0 < 2.5,
	    "a slow server times out (%.2f s)", now() - t0);
	ok(strstr(e.msg, "no answer within 500 ms") != NULL,
	    "the error says so: %s", e.msg);
	ok(strstr(e.msg, "s3cret") == NULL && strstr(e.msg, "192.0.2.7") ==
	    NULL && strstr(e.msg, "/slow/3") != NULL,
	    "the error shows the path, not the password or query");
	http_response_release(&r);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/echo", closed_port());
	rc = get(c, url, 5000, 0, NULL, &r, &e);
	ok(rc == RC_TEMP, "a refused connection is temporary: %s", e.msg);
	http_response_release(&r);

	rc = get(c, "ftp://127.0.0.1/x", 5000, 0, NULL, &r, &e);
	ok(rc == RC_REJECT, "ftp:// is refused: %s", e.msg);
	http_response_release(&r);
	rc = get(c, "file:///etc/passwd", 5000, 0, NULL, &r, &e);
	ok(rc == RC_REJECT, "file:// is refused");
	http_response_release(&r);

	/* After errors the same client still works. */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/echo", port);
	rc = get(c, url, 5000, 0, NULL, &r, &e);
	ok(rc == RC_OK && r.status == 200, "the client recovers");
	http_response_release(&r);
}

static void
tls(struct http_client *c)
{
	struct http_response r;
	struct err e;
	char url[256], ca[512];
	int port, rport, wport;
	pid_t p1, p2, p3;
	enum rc rc;

	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	p1 = server("good", "server", &port);
	p2 = server("rogue", "rogue", &rport);
	p3 = server("wrong", "wrongname", &wport);
	if (!ok(p1 > 0 && p2 > 0 && p3 > 0, "three TLS servers started"))
		goto out;
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/echo", port);
	rc = get(c, url, 5000, 0, ca, &r, &e);
	ok(rc == RC_OK && r.status == 200, "https with the test CA verifies: "
	    "%s", rc == RC_OK ? "ok" : e.msg);
	http_response_release(&r);
	snprintf(url, sizeof(url), "https://localhost:%d/echo", port);
	rc = get(c, url, 5000, 0, ca, &r, &e);
	ok(rc == RC_OK && r.status == 200, "https by host name verifies");
	http_response_release(&r);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/echo", port);
	rc = get(c, url, 5000, 0, NULL, &r, &e);
	ok(rc == RC_TEMP, "the system store does not trust the test CA: %s",
	    e.msg);
	http_response_release(&r);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/echo", rport);
	rc = get(c, url, 5000, 0, ca, &r, &e);
	ok(rc == RC_TEMP, "a self-signed certificate fails: %s", e.msg);
	http_response_release(&r);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/echo", wport);
	rc = get(c, url, 5000, 0, ca, &r, &e);
	ok(rc == RC_TEMP, "a certificate for another name fails: %s", e.msg);
	http_response_release(&r);
out:
	spawn_stop(p1);
	spawn_stop(p2);
	spawn_stop(p3);
}

int
main(void)
{
	const char *src = getenv("top_srcdir");
	struct http_client *c;
	char cmd[4200], *v;
	pid_t pid;
	int port;

	snprintf(script, sizeof(script), "%s/tests/lib/http_test_server.py",
	    src ? src : ".");
	if (!spawn_have("python3") || access(script, R_OK) != 0) {
		printf("1..0 # SKIP python3 or %s missing\n", script);
		return 0;
	}
	if (mkdtemp(dir) == NULL)
		abort();
	v = http_escape("a b&c=d/\xc3\xa9", 10);
	is(v, "a%20b%26c%3Dd%2F%C3%A9", "http_escape");
	free(v);
	c = http_client_new();
	if ((pid = server("plain", NULL, &port)) < 0) {
		ok(0, "the test server starts");
	} else {
		plain(c, port);
		spawn_stop(pid);
	}
	snprintf(cmd, sizeof(cmd), "sh %s/tests/lib/mkcerts.sh %s",
	    src ? src : ".", dir);
	if (system(cmd) == 0)
		tls(c);
	else
		ok(1, "# SKIP no openssl to make test certificates");
	http_client_free(c);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return tap_done();
}
