#!/bin/sh
# The example action postfix-sasl-lock with Postfix's own postmap: an
# escalated case locks its SMTP AUTH users in a check_sasl_access map, a
# confirmation taken back unlocks them, the map's other lines survive,
# and a run again changes nothing.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/reporters.sh"
need_python json
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"
PM=$(command -v postmap || ls /usr/sbin/postmap 2>/dev/null) ||
    skip_all "postmap not installed (Debian's postfix)"
LOCK="$top_builddir/actions/postfix-sasl-lock"
case $LOCK in /*) ;; *) LOCK="$PWD/$LOCK" ;; esac
[ -x "$LOCK" ] || skip_all "$LOCK not built"

base_config
cd "$T" || exit 1
sed -i 's/^networks_file = nets.csv$/&\ntrusted_hosts = filter1.example.net/' \
    ac.ini
# Postfix itself: a stand-in that says it runs and notes reloads.
cat >"$T/postfix" <<EOT
#!/bin/sh
echo "\$*" >>'$T/postfix.log'
exit 0
EOT
chmod 755 "$T/postfix"
cat >"$T/lock.conf" <<EOT
# test settings
map = $T/sasl_access
reply = REJECT 5.7.1 locked by the abuse desk
postfix = $T/postfix
EOT
# The action as configured: the installed program with its settings.
cat >"$T/lock" <<EOT
#!/bin/sh
POSTFIX_LOCK_CONF='$T/lock.conf' exec '$LOCK'
EOT
chmod 755 "$T/lock"
cat >>ac.ini <<EOT
[cases]
escalate_internal = 2 in 1h
[action lock-user]
command = $T/lock
events = case.escalated, case.confirmed
EOT
printf '%s\n' '# local rules' 'admin@example.net OK' \
    'bob	REJECT locked by hand' >sasl_access
chmod 640 sasl_access
"$PM" "hash:$T/sasl_access" || skip_all "postmap cannot build a hash map"

MKREPORTS_AUTH_USER=alice@alpha.example mkreport internal 192.0.2.10 10:00 a 2 a
MKREPORTS_AUTH_USER=bob mkreport internal 192.0.2.11 10:30 a 1 b
ok "collect" "$AC" -c ac.ini collect
ok "deliver: the action locks" "$AC" -c ac.ini deliver
is "postmap -q answers the lock" \
    "$("$PM" -q alice@alpha.example "hash:$T/sasl_access")" \
    "REJECT 5.7.1 locked by the abuse desk"
is "a user locked by hand is left as it was" \
    "$("$PM" -q bob "hash:$T/sasl_access")" "REJECT locked by hand"
is "the other lines survive" "$(head -3 sasl_access)" \
    "$(printf '%s\n' '# local rules' 'admin@example.net OK' 'bob	REJECT locked by hand')"
ok "the lock names the case" has_line \
    "^# abuse-collector: locked cust-alpha $DAY\$" sasl_access
is "the map keeps its mode" "$(stat -c %a sasl_access)" 640
ok "postfix was reloaded" has_line '^reload$' postfix.log
ok "nothing is left beside the map" sh -c \
    "! ls '$T' | grep -q '^sasl_access\.[A-Za-z0-9]\{6\}\$'"

# Confirmed by an outside report: locks again, which changes nothing.
mkreport external 192.0.2.10 11:00 a 1 x
ok "collect the confirmation" "$AC" -c ac.ini collect
ok "deliver it" "$AC" -c ac.ini deliver
is "one lock line per user" "$(grep -c '^alice@alpha.example	' sasl_access)" 1
is "both events were delivered" "$(q "SELECT group_concat(kind, ' ')
    FROM (SELECT kind FROM outbox WHERE target = 'action:lock-user'
    AND delivered_at IS NOT NULL ORDER BY id)")" \
    "case.escalated case.confirmed"

# A transient failure: the map held by another writer is exit 75.
echo 'wait = 1' >>lock.conf
q "UPDATE outbox SET delivered_at = NULL, next_attempt = 0
    WHERE target = 'action:lock-user' AND kind = 'case.confirmed'"
( flock 8 && echo held >held && exec sleep 60 ) 8>>sasl_access.lock &
fl=$!
at_exit "kill $fl 2>/dev/null"
wait_file held 10
ok "another writer holds the map" test -s held
"$AC" -c ac.ini deliver >locked.out 2>&1
is "a map locked by another writer: retry later" "$?" 75
kill "$fl" 2>/dev/null
wait "$fl" 2>/dev/null
ok "with the reason" has_line "status 75.*is locked by another writer" locked.out
q "UPDATE outbox SET next_attempt = 0 WHERE target = 'action:lock-user'"
ok "delivered once the map is free" "$AC" -c ac.ini deliver

# The confirmation taken back: case.unconfirmed unlocks.
X=$(q "SELECT id FROM reports WHERE role = 'external'")
ok "dismiss the outside report" "$AC" -c ac.ini dismiss "$X" \
    --reason "forwarded by mistake"
ok "deliver the unconfirmation" "$AC" -c ac.ini deliver
is "case.unconfirmed reached the action" "$(q "SELECT count(*) FROM outbox
    WHERE target = 'action:lock-user' AND kind = 'case.unconfirmed'
    AND delivered_at IS NOT NULL")" 1
is "postmap -q no longer answers" \
    "$("$PM" -q alice@alpha.example "hash:$T/sasl_access")" ""
is "the map is as it was before the lock" "$(cat sasl_access)" \
    "$(printf '%s\n' '# local rules' 'admin@example.net OK' 'bob	REJECT locked by hand')"
is "bob, locked by hand, still is" \
    "$("$PM" -q bob "hash:$T/sasl_access")" "REJECT locked by hand"
done_testing
