#!/bin/sh
# The example action http-lock against a user-lock API on loopback: one
# request per user with the token and an idempotency key, 404 to an
# unlock is done, 5xx and no answer are retried (75), another answer is
# a failure (1); a settings file others can read is refused.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
LOCK="$top_builddir/actions/http-lock"
case $LOCK in /*) ;; *) LOCK="$PWD/$LOCK" ;; esac
[ -x "$LOCK" ] || skip_all "$LOCK not built"
cd "$T" || exit 1

echo '{}' >plan.json
"$PY" "$LIBDIR/lockapi.py" --port-file port --log api.log --plan plan.json \
    >api.out 2>&1 &
pid=$!
at_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
wait_file port 10 || skip_all "the lock API did not start: $(cat api.out)"
P=$(cat port)
cat >lock.conf <<EOT
# test settings
url = http://127.0.0.1:$P/v1/accounts/{user}/lock
token = tok-123
timeout = 5
EOT
chmod 600 lock.conf

# run EVENT USERS: the action as abuse-collector runs it; its exit.
run() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HTTP_LOCK_CONF="$T/lock.conf" \
	    ABUSE_EVENT="$1" ABUSE_CUSTOMER=cust-alpha ABUSE_DAY=2026-03-02 \
	    ABUSE_DELIVERY=0123abcd ABUSE_USERS="$2" ABUSE_USERS_SKIPPED=0 \
	    "$LOCK" </dev/null 2>err.out
}
field() { "$PY" -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(" ".join(str(r[k]) for k in sys.argv[2:]))' api.log "$@"; }

run case.escalated "$(printf 'alice@alpha.example\nbob')"
is "a lock: exit 0" "$?" 0
is "one request per user, the user percent-encoded" "$(field method path)" \
    "$(printf '%s\n' 'POST /v1/accounts/alice%40alpha.example/lock' \
    'POST /v1/accounts/bob/lock')"
is "with the token and an idempotency key per event and user" \
    "$(field authorization idempotency_key | head -1)" \
    "Bearer tok-123 0123abcd-alice@alpha.example"
is "and a JSON body" "$(field content_type body | head -1)" \
    'application/json {"user":"alice@alpha.example","customer":"cust-alpha","day":"2026-03-02","event":"case.escalated"}'

: >api.log
echo '{"DELETE": 404}' >plan.json
run case.unconfirmed bob
is "an unlock of a user not locked (404): exit 0" "$?" 0
is "is a DELETE of the same URL" "$(field method path)" \
    "DELETE /v1/accounts/bob/lock"

echo '{"default": 503}' >plan.json
run case.escalated bob
is "503: try again later (75)" "$?" 75
echo '{"default": 400}' >plan.json
run case.escalated bob
is "400: a failure (1)" "$?" 1
ok "naming the answer" has_line 'bob: HTTP 400: {"status": 400}' err.out
run case.opened bob
is "an event it is not set up for: nothing to do" "$?" 0

kill "$pid"
wait "$pid" 2>/dev/null
run case.escalated bob
is "no answer: try again later (75)" "$?" 75

chmod 644 lock.conf
run case.escalated bob
is "settings others can read: refused" "$?" 1
ok "saying so" has_line "readable by others (mode 644): chmod 600" err.out
done_testing
