#!/bin/sh
# A type = http ticket target as the README configures it for Zammad,
# against a local server that answers as its REST API does.
API=zammad
. "$top_srcdir/tests/lib/tickethttp.sh"
