#!/bin/sh
# A type = http ticket target as the README configures it for GitLab issues,
# against a local server that answers as its REST API does.
API=gitlab
. "$top_srcdir/tests/lib/tickethttp.sh"
