#!/bin/sh
# Alerts of an IMAP source against a real Dovecot on 127.0.0.1: stopped
# for three runs, the source raises source.failing once at a webhook
# receiver; started again, one source.recovered follows; further runs
# add nothing.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/dovecot.sh"
. "$top_srcdir/tests/lib/reporters.sh"

dc_require
need_python json
dc_start
dc_load 3
start_hooksrv H || skip_all "webhook receiver did not start"
secret_file "$T/h.secret" 'alerts-imap-key-0b7d'
{
	printf '[store]\npath = %s\n\n' "$T/abuse.db"
	printf '[report]\noutput_dir = %s\n\n' "$T/out"
	dc_source box connect_timeout=5s timeout=10s
	printf '[alerts]\nsource_failures = 3\n\n'
	printf '[webhook ops]\nurl = http://127.0.0.1:%s/ops\n' "$H_PORT"
	printf 'allow_plaintext = yes\nsecret_file = %s\n' "$T/h.secret"
	printf 'events = source.failing, source.silent\n'
} >"$T/ac.ini"
hooks() {
	"$PY" "$LIBDIR/hookcheck.py" list "$H_LOG" | cut -d' ' -f1,2 |
	    tr '\n' ';'
}

ok "a run with Dovecot up" "$AC" -c "$T/ac.ini" run
is "no alert" "$(hooks)" ""
dc_stop
for i in 1 2 3; do
	"$AC" -c "$T/ac.ini" run >"$T/fail$i.out" 2>&1
	is "run $i with Dovecot stopped fails" "$?" 75
done
is "the third raised source.failing once" "$(hooks)" "source.failing box;"
ok "and logged it" has_line "source.failing: source box failed 3" \
    "$T/fail3.out"
"$AC" -c "$T/ac.ini" run >/dev/null 2>&1
is "a fourth failure raises nothing more" "$(hooks)" "source.failing box;"
dc_start
ok "the run with Dovecot up again" "$AC" -c "$T/ac.ini" run
is "source.recovered came once" "$(hooks)" \
    "source.failing box;source.recovered box;"
ok "two more runs" sh -c "'$AC' -c '$T/ac.ini' run &&
    '$AC' -c '$T/ac.ini' run"
is "add nothing" "$(hooks)" "source.failing box;source.recovered box;"
is "every alert matches the documented schema" \
    "$("$PY" "$LIBDIR/hookcheck.py" schema "$H_LOG")" ""
done_testing
