#!/bin/sh
# The resolver's http step against a real HTTP(S) server on 127.0.0.1: a
# valid answer, "no customer", 500, garbage, a slow API (timeout), a
# refused connection, TLS verified with a test CA (an untrusted
# certificate falls through), the bearer token, the cache in the store,
# and failures reported once per run, never per message.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/integration/resolve-mail.subr"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
cd "$T" || exit 1
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

D="Sun, 01 Mar 2026 10:00:00 +0000"
SERVER="$top_srcdir/tests/lib/http_test_server.py"
# Start a server; its port goes to $port.  Not in $(...): the server
# must belong to this shell, so that at_exit stops it.
start() {	# name [server options]
	_n=$1; shift
	python3 "$SERVER" --port-file "$T/$_n.port" --log "$T/$_n.log" \
	    --answers "$T/answers.json" "$@" >"$T/$_n.out" 2>&1 &
	at_exit "kill $! 2>/dev/null"
	for _i in $(seq 100); do
		[ -s "$T/$_n.port" ] && break
		sleep 0.1
	done
	port=$(cat "$T/$_n.port")
}
requests() { [ -f "$T/$1.log" ] && wc -l <"$T/$1.log" | tr -d ' ' || echo 0; }

cat >nets.csv <<'X'
cidr,customer
203.0.113.0/24,cust-dsl
X
answer() { printf '%s\n' "$1" >answers.json; }
start plain
conf() {	# file url [extra lines]
	{
	printf '[store]\npath = %s/abuse.db\n[resolver]\n' "$T"
	printf 'order = http, network\nnetworks_file = nets.csv\n'
	printf 'trusted_hosts = sub.example.net, 192.0.2.0/24\n'
	# Long enough for a TLS handshake on a loaded machine; the slow
	# API's test shortens it.
	printf 'http_url = %s\nhttp_timeout = %s\n' "$2" "${TIMEOUT:-20s}"
	[ $# -gt 2 ] && printf '%s\n' "$3"
	} >"$1"
}
conf ac.ini "http://127.0.0.1:$port/lookup?src=test"

mail() {	# file id ip [smtp_auth]
	printf 'Received: from c ([%s]) by sub.example.net; %s\n' "$3" "$D" |
	    se "$1" "$D" "$3" "${4:-}" x@nowhere.invalid "$2"
}
mail a.eml a1 203.0.113.10 alice@example.com
mail b.eml b1 203.0.113.11
mail c.eml c1 203.0.113.12
mail d.eml d1 203.0.113.13

answer '{"203.0.113.10": {"body": "{\"customer\": \"cust-api\"}"}}'
"$AC" -c ac.ini parse a.eml >out 2>err
is "a valid answer names the customer" "$(sed -n 's/^customer: //p' out)" \
    "cust-api"
is "... resolved by http" "$(sed -n 's/^resolved_by: //p' out)" "http"
is "... and nothing is logged" "$(cat err)" ""
ok "the API is asked with ip, user and time" python3 -c '
import json, sys
q = json.loads(open(sys.argv[1]).readline())["query"]
assert q == {"src": "test", "ip": "203.0.113.10", "user": "alice@example.com",
    "time": "2026-03-01T10:00:00Z"}, q' plain.log

"$AC" -c ac.ini parse b.eml >out 2>err
is "404: no customer, the next step decides" \
    "$(sed -n 's/^customer: //p' out)/$(sed -n 's/^resolved_by: //p' out)" \
    "cust-dsl/network"
is "... and that is no error" "$(cat err)" ""
answer '{"203.0.113.11": {"body": "{\"customer\": null}"}}'
"$AC" -c ac.ini parse b.eml >out 2>err
is "a null customer falls through silently" \
    "$(sed -n 's/^resolved_by: //p' out)/$(cat err)" "network/"

# Failures: the report falls through, the run logs one line.
failing() {	# what answers
	answer "$2"
	: >plain.log
	"$AC" -c "${INI:-ac.ini}" parse a.eml b.eml c.eml >out 2>err
	is "$1: every report falls through to network" \
	    "$(grep -c '^resolved_by: network' out)" 3
	is "$1: one error line for the run" "$(wc -l <err | tr -d ' ')" 1
}
all3() { printf '{"203.0.113.10": %s, "203.0.113.11": %s, "203.0.113.12": %s}' "$1" "$1" "$1"; }
failing "500" "$(all3 '{"status": 500, "body": "oops"}')"
ok "500: the error names the status" grep -q "HTTP status 500" err
is "500: the API is still asked for each report" "$(requests plain)" 3
failing "garbage" "$(all3 '{"body": "<html>not json"}')"
ok "garbage: the error says why" grep -q "the answer is not a JSON object" err
failing "a customer that is not a string" "$(all3 '{"body": "{\"customer\": {\"id\": 7}}"}')"
ok "... says so" grep -q '"customer" is a JSON object, not a string' err
TIMEOUT=1s conf slow.ini "http://127.0.0.1:$port/lookup?src=test"
INI=slow.ini failing "a slow API" "$(all3 '{"delay": 3, "body": "{\"customer\": \"late\"}"}')"
ok "slow: the error says it timed out" grep -q "no answer within 1000 ms" err
ok "slow: ... and that the API is not asked again" grep -q "not asked again in this run" err
is "slow: only the first report waited" "$(requests plain)" 1
ok "slow: the error shows no query string" sh -c '! grep -q "203.0.113" err'

conf secret.ini "http://user:pw-9x@127.0.0.1:$port/lookup?key=S3CR3T"
"$AC" -c secret.ini check-config >out 2>&1
is "a user and password over plain http: exit 78" "$?" 78
ok "... refused, without printing them" sh -c \
    'grep -q "http_url: a user and password are sent only over https" out &&
    ! grep -q -e pw-9x -e S3CR3T out'

closed=$(free_port)
conf refused.ini "http://127.0.0.1:$closed/lookup"
"$AC" -c refused.ini parse a.eml b.eml >out 2>err
is "refused connection: reports fall through" \
    "$(grep -c '^resolved_by: network' out)/$(wc -l <err | tr -d ' ')" "2/1"

# The cache: one question per address, user and period, across runs.
answer "$(all3 '{"body": "{\"customer\": \"cust-api\"}"}')"
: >plain.log
mail a2.eml a2 203.0.113.10 alice@example.com
"$AC" -c ac.ini import a.eml a2.eml >out 2>&1
is "import with the API exits 0" "$?" 0
is "two reports about one address and user ask once" "$(requests plain)" 1
mail a3.eml a3 203.0.113.10 alice@example.com
"$AC" -c ac.ini import a3.eml >out 2>&1
is "the next run answers from the cache" "$(requests plain)" 1
n=$("$AC" -c ac.ini reports | grep -c ',cust-api,http,')
is "... and all three are the API's customer" "$n" 3
ok "... the cached one says so" sh -c '"$0" -c ac.ini reports | grep -q "named it (cached)"' "$AC"
answer '{}'
"$AC" -c ac.ini import b.eml >out 2>&1
mail b2.eml b2 203.0.113.11
"$AC" -c ac.ini import b2.eml >out 2>&1
is "'no customer' is cached too" "$(requests plain)" 2
conf nocache.ini "http://127.0.0.1:$port/lookup" "http_cache_ttl = 0"
: >plain.log
mail n1.eml n1 203.0.113.12
mail n2.eml n2 203.0.113.12
"$AC" -c nocache.ini import n1.eml n2.eml >out 2>&1
is "http_cache_ttl = 0 asks every time" "$(requests plain)" 2
: >plain.log
"$AC" -c ac.ini parse a.eml a.eml >/dev/null 2>&1
is "parse has no store: it asks every time" "$(requests plain)" 2

# HTTPS with a test CA and a bearer token.
if sh "$top_srcdir/tests/lib/mkcerts.sh" "$T"; then
	printf 'tok-%s\n' 7f3a9 >token
	chmod 600 token
	start tls --tls server.pem server.key --token tok-7f3a9
	tport=$port
	start rogue --tls rogue.pem rogue.key --token tok-7f3a9
	rport=$port
	answer "$(all3 '{"body": "{\"customer\": \"cust-tls\"}"}')"
	conf tls.ini "https://localhost:$tport/lookup" \
	    "ca_file = ca.pem
http_token_file = token"
	"$AC" -c tls.ini parse a.eml >out 2>err
	is "https verified with the test CA, token sent" \
	    "$(sed -n 's/^customer: //p' out)/$(cat err)" "cust-tls/"
	ok "the server saw the bearer token" grep -q '"authorization": "Bearer tok-7f3a9"' tls.log
	conf notoken.ini "https://localhost:$tport/lookup" "ca_file = ca.pem"
	"$AC" -c notoken.ini parse a.eml >out 2>err
	ok "without the token the API says 401, reported once" \
	    grep -q "HTTP status 401" err
	conf untrusted.ini "https://localhost:$rport/lookup" \
	    "ca_file = ca.pem
http_token_file = token"
	"$AC" -c untrusted.ini parse a.eml b.eml >out 2>err
	is "an untrusted certificate: reports fall through" \
	    "$(grep -c '^resolved_by: network' out)/$(wc -l <err | tr -d ' ')" "2/1"
	ok "... the error names the certificate problem" grep -q "certificate" err
	is "... and the token never reached that server" "$(requests rogue)" 0
	conf system.ini "https://localhost:$tport/lookup"
	"$AC" -c system.ini parse a.eml >out 2>err
	is "the system store does not trust the test CA" \
	    "$(sed -n 's/^resolved_by: //p' out)" "network"
	conf secret.ini \
	    "https://user:pw-9x@localhost:$tport/lookup?key=S3CR3T" \
	    "ca_file = ca.pem
http_token_file = token"
	answer "$(all3 '{"status": 503}')"
	"$AC" -c secret.ini parse a.eml >out 2>err
	ok "a bad answer is reported without the URL's password or query" \
	    sh -c 'grep -q "GET https://localhost:[0-9]*/lookup: HTTP status 503" err &&
	    ! grep -q -e pw-9x -e S3CR3T err'
	"$AC" -c secret.ini check-config >out 2>&1
	ok "check-config masks the URL's password and key" sh -c \
	    'grep -q "^http_url = https://\*\*\*@localhost:[0-9]*/lookup?key=\*\*\*$" out &&
	    ! grep -q -e pw-9x -e S3CR3T out'
	chmod 644 token
	"$AC" -c tls.ini check-config >out 2>&1
	is "a token file others can read: exit 78" "$?" 78
	ok "... with the fix in the message" grep -q "chmod o-r" out
	ok "the token never appears in check-config" sh -c '! grep -q "7f3a9" out'
else
	ok "# SKIP openssl is not installed: no TLS tests" true
fi

done_testing
