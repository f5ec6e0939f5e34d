#!/bin/sh
# A type = http ticket target as the README configures it for Jira Cloud,
# against a local server that answers as its REST API does.
API=jira
. "$top_srcdir/tests/lib/tickethttp.sh"
