#!/bin/sh
# What the collector says about a scripted server's unusual answers: a
# connection closed without BYE is "connection lost"; [ALERT] lines before
# the greeting and among the answers are accepted and their text logged
# once, with control characters replaced; a folder that cannot be opened
# gives the error alone, not a count of messages read before it.
. "$top_srcdir/tests/lib/lib.sh"
. "$top_srcdir/tests/lib/fakeimap.sh"

where="box: 127.0.0.1"

fake_start eof-select
collect
fake_stop
is "closed without BYE when the folder is opened: exit 75" "$rc" 75
ok "the error says the connection was lost" has_line \
    "^abuse-collector: $where:$port: \(examine\|select\) INBOX: connection lost (closed by the server)$" \
    "$T/out"
ok "no count of messages read before it" \
    sh -c "! grep -q 'messages read' '$T/out'"

fake_start no-select
collect
fake_stop
is "a folder the server refuses: exit 75" "$rc" 75
ok "the error quotes the server" has_line \
    "^abuse-collector: $where:$port: \(examine\|select\) INBOX: the server said: no such folder here$" \
    "$T/out"
ok "no count of messages read before it" \
    sh -c "! grep -q 'messages read' '$T/out'"

fake_start alert --log "$T/commands"
collect
fake_stop
is "[ALERT] before the greeting and with each answer: exit 0" "$rc" 0
ok "both messages are read" has_line \
    "^$where:$port: folder INBOX: 2 messages read" "$T/out"
ok "the alert is logged, control characters replaced" has_line \
    "^abuse-collector: warning: $where:$port: the server's alert: System maintenance ?at 22:00 ?\[31mUTC$" \
    "$T/out"
is "once, though the server said it with every answer" \
    "$(grep -c "the server's alert" "$T/out")" 1
ok "the server was asked for its capabilities and logged in" \
    sh -c "grep -q ' CAPABILITY' '$T/commands' && grep -q ' LOGIN' '$T/commands'"

done_testing
