#!/bin/sh
# Webhooks against a real HTTP receiver on 127.0.0.1: each webhook gets
# the events it subscribes to, once each, as JSON with the event,
# delivery and signature headers; the signature verifies with openssl;
# secrets stay out of check-config, the store and the logs.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"
command -v openssl >/dev/null 2>&1 || skip_all "openssl not installed"

base_config
start_hooksrv A || skip_all "webhook receiver did not start"
start_hooksrv B || skip_all "webhook receiver did not start"
SECRET_A='tickets-key-7f3a'
SECRET_B='inline key with spaces'
secret_file "$T/a.secret" "$SECRET_A"
cat >>"$T/ac.ini" <<EOT
[webhook tickets]
url = http://127.0.0.1:$A_PORT/hooks/abuse
allow_plaintext = yes
secret_file = a.secret
[webhook enforcer]
url = http://127.0.0.1:$B_PORT/block
allow_plaintext = yes
secret = $SECRET_B
events = case.confirmed
EOT

# alpha: internal and external (confirmed); beta internal only; gamma
# external only; one report nobody owns.
mkreport internal 192.0.2.10 10:00 'Cheap stuff' 3 a
mkreport external 192.0.2.10 11:00 'Cheap stuff' 2 b
mkreport internal 192.0.2.20 09:00 'Only internal' 2 c
mkreport external 198.51.100.7 09:00 'Only external' 1 d
mkreport external 203.0.113.200 09:00 'Nobody' 1 e

cd "$T" || exit 1
ok "check-config accepts the webhooks" "$AC" -c ac.ini check-config
"$AC" -c ac.ini check-config >"$T/cc.out" 2>&1
ok "check-config hides the inline secret" grep -qx 'secret = (hidden)' \
    "$T/cc.out"
ok "check-config shows no secret" sh -c "! grep -q -e '$SECRET_A' \
    -e '$SECRET_B' '$T/cc.out'"
ok "collect" "$AC" -c ac.ini collect
is "collect queued 4 events for tickets and 1 for enforcer" \
    "$(q "SELECT target, count(*) FROM outbox GROUP BY target
    ORDER BY target" | tr '\n' ' ')" \
    "webhook:enforcer|1 webhook:tickets|4 "
is "nothing is sent before deliver" "$(cat "$A_LOG" "$B_LOG" | wc -l)" 0
"$AC" -c ac.ini deliver >"$T/d1.out" 2>&1
is "deliver succeeds quietly" "$?:$(cat "$T/d1.out")" "0:"

is "tickets got what it subscribes to, once each" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" | cut -d' ' -f1-4 |
    sort | tr '\n' ';')" \
    "case.confirmed cust-alpha 1 200;case.opened cust-alpha 1 200;case.opened cust-beta 1 200;case.opened cust-gamma 1 200;"
is "enforcer got only case.confirmed" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$B_LOG" | cut -d' ' -f1-3)" \
    "case.confirmed cust-alpha 1"
is "payloads follow the documented schema" \
    "$("$PY" "$LIBDIR/hookcheck.py" schema "$A_LOG";
    "$PY" "$LIBDIR/hookcheck.py" schema "$B_LOG")" ""
is "the unresolved customer is nobody's event" \
    "$(grep -c unresolved "$A_LOG" "$B_LOG" | cut -d: -f2 | tr '\n' ' ')" \
    "0 0 "

# The documented check: HMAC-SHA256 of the body as received, in hex.
verify() {
	local log=$1 secret=$2 dir=$3 bad=0 n sig want
	"$PY" "$LIBDIR/hookcheck.py" bodies "$log" "$dir" >"$dir.sigs"
	while read -r n sig; do
		want="sha256=$(openssl dgst -sha256 -hmac "$secret" -r \
		    <"$dir/$n.json" | cut -d' ' -f1)"
		[ "$sig" = "$want" ] || bad=$((bad + 1))
	done <"$dir.sigs"
	echo "$(wc -l <"$dir.sigs") $bad"
}
is "every tickets signature verifies (requests, failures)" \
    "$(verify "$A_LOG" "$SECRET_A" "$T/bodies-a")" "4 0"
is "the enforcer signature verifies with the inline key" \
    "$(verify "$B_LOG" "$SECRET_B" "$T/bodies-b")" "1 0"
is "a wrong key does not verify" \
    "$(verify "$B_LOG" "not-the-key" "$T/bodies-c")" "1 1"

A1=$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" |
    grep 'case.confirmed cust-alpha' | cut -d' ' -f5)
is "the delivery header is the row's idempotency key" \
    "$(q "SELECT idempotency_key FROM outbox WHERE target =
    'webhook:tickets' AND kind = 'case.confirmed'")" "$A1"
is "the confirmed payload carries the case" \
    "$("$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l); p = json.loads(r["body"])
    if p["event"] == "case.confirmed":
        c = p["case"]
        print(c["customer"], c["confidence"], c["internal_reports"],
              c["external_reports"], c["distinct_source_ips"],
              c["escalated"], c["day"] == sys.argv[2])' "$A_LOG" "$DAY")" \
    "cust-alpha confirmed 3 2 1 False True"
is "every row is delivered after one attempt" \
    "$(q "SELECT count(*), sum(attempts = 1), sum(delivered_at IS NOT NULL)
    FROM outbox")" "5|5|5"
"$AC" -c ac.ini status >"$T/status.out"
ok "status shows an empty outbox" grep -qx \
    'outbox: 0 waiting, 0 dead letters' "$T/status.out"

# Nothing is sent twice: neither by another deliver nor by collecting
# the same mail again.
ok "deliver again" "$AC" -c ac.ini deliver
ok "import the same mail again" "$AC" -c ac.ini import "$T/md"
ok "deliver once more" "$AC" -c ac.ini deliver
is "no request was repeated" "$(cat "$A_LOG" "$B_LOG" | wc -l)" 5

# A new report for alpha on the same day is no new event; a new
# customer is.
mkreport internal 192.0.2.11 12:00 'More' 1 f
mkreport internal 203.0.113.20 12:00 'Eps' 1 g
"$AC" -c ac.ini collect && "$AC" -c ac.ini deliver
is "only the new customer's case.opened went out" \
    "$("$PY" "$LIBDIR/hookcheck.py" list "$A_LOG" | tail -n +5 |
    cut -d' ' -f1-2)" "case.opened cust-eps"

ok "no secret in the store" sh -c "! grep -a -q -e '$SECRET_A' \
    -e '$SECRET_B' '$T'/var/abuse.db*"
ok "no secret in what deliver said" sh -c "! grep -q -e '$SECRET_A' \
    -e '$SECRET_B' '$T/d1.out'"

# The secret's file and the file with an inline secret must be private.
chmod 644 "$T/a.secret"
"$AC" -c ac.ini check-config >/dev/null 2>"$T/cc2.err"
is "a secret file others can read is refused" "$?" 78
ok "the error names the key and the file" grep -q \
    "\[webhook tickets\] secret_file: '$T/a.secret' is readable by others" \
    "$T/cc2.err"
chmod 600 "$T/a.secret"
chmod 644 "$T/ac.ini"
"$AC" -c ac.ini check-config >/dev/null 2>"$T/cc3.err"
is "an inline secret in a file others can read is refused" "$?" 78
chmod 600 "$T/ac.ini"
done_testing
