# Request Tracker 5 (Debian's request-tracker5, rt5-db-sqlite,
# rt5-standalone) on 127.0.0.1 with an SQLite database in $T/rt, for the
# ticket tests (after lib.sh and reporters.sh).
#
#   start_rt    sets RT_URL, RT_TOKEN (an authentication token of root;
#               root's password is "password"), or skips the test
#   rt GET PATH [curl arguments]    a REST2 request as root
#
# The queue Abuse and its custom field Case (one value) are created with
# the database.  Mail goes to a file, never to an MTA.

RT_LIB=/usr/share/request-tracker5/lib
RT_SERVER=/usr/share/request-tracker5/libexec/rt-server

start_rt() {
	local dir="$T/rt" port pid i
	[ -x "$RT_SERVER" ] && command -v rt-setup-database-5 >/dev/null ||
	    skip_all "Request Tracker 5 not installed (request-tracker5 rt5-db-sqlite rt5-standalone)"
	perl -MDBD::SQLite -e1 2>/dev/null ||
	    skip_all "RT's SQLite driver not installed (rt5-db-sqlite)"
	perl -MStarlet -e1 2>/dev/null ||
	    skip_all "Starlet not installed (rt5-standalone)"
	command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
	mkdir -p "$dir/var" "$dir/site.d"
	port=$(free_port)
	cat >"$dir/site.pm" <<-EOT
	Set(\$DatabaseType, 'SQLite');
	Set(\$DatabaseName, '$dir/rt.db');
	Set(\$VarPath, '$dir/var');
	Set(\$MailCommand, 'mbox');
	Set(\$BcryptCost, 4);
	Set(\$WebDomain, '127.0.0.1');
	Set(\$WebPort, $port);
	Set(\$LogToSTDERR, 'error');
	Set(\$LogToSyslog, undef);
	Set(\$LogToFile, undef);
	Set(\$rtname, 'test.example');
	Set(\$Organization, 'test.example');
	1;
	EOT
	cat >"$dir/init.pl" <<-'EOT'
	@Queues = ({ Name => 'Abuse', Description => 'Abuse reports' });
	@CustomFields = ({ Name => 'Case', Type => 'FreeformSingle',
	    LookupType => 'RT::Queue-RT::Ticket', ApplyTo => 'Abuse' });
	1;
	EOT
	RT_SITE_CONFIG="$dir/site.pm"
	RT_SITE_CONFIG_DIR="$dir/site.d"
	export RT_SITE_CONFIG RT_SITE_CONFIG_DIR
	rt-setup-database-5 --action init --skip-create >"$dir/setup.log" \
	    2>&1 && rt-setup-database-5 --action insert \
	    --datafile "$dir/init.pl" >>"$dir/setup.log" 2>&1 || {
		sed 's/^/# /' "$dir/setup.log" | tail -20
		skip_all "RT's database could not be set up"
	}
	RT_TOKEN=$(perl -I"$RT_LIB" -e '
	    use RT; RT::LoadConfig(); RT::Init();
	    my $u = RT::User->new(RT->SystemUser); $u->Load("root");
	    my $t = RT::AuthToken->new(RT::CurrentUser->new($u));
	    my ($ok, $msg, $s) = $t->Create(Owner => $u->Id,
	        Description => "abuse-collector test");
	    die "$msg\n" unless $ok; print "$s\n";' 2>>"$dir/setup.log")
	[ -n "$RT_TOKEN" ] || skip_all "no RT authentication token"
	# A process group of its own, so that its workers stop with it.
	setsid "$RT_SERVER" --server Starlet --max-workers 2 \
	    --host 127.0.0.1 --port "$port" >"$dir/server.log" 2>&1 &
	pid=$!
	at_exit "kill -TERM -$pid 2>/dev/null; wait $pid 2>/dev/null"
	RT_URL="http://127.0.0.1:$port"
	# Ready when REST2 answers an authenticated request; at most 60 s.
	i=0
	until [ "$(curl -s -o /dev/null -w '%{http_code}' \
	    -H "Authorization: token $RT_TOKEN" \
	    "$RT_URL/REST/2.0/queues/all" 2>/dev/null)" = 200 ]; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; then
			sed 's/^/# /' "$dir/server.log" | tail -20
			echo "# RT did not answer on $RT_URL within 60 s" >&2
			return 1
		fi
		sleep 0.1
	done
}

# A REST2 request as root: rt METHOD PATH [curl arguments].
rt() {
	local m=$1 p=$2
	shift 2
	curl -s -X "$m" -H "Authorization: token $RT_TOKEN" "$@" \
	    "$RT_URL/REST/2.0/$p"
}

# The number of tickets whose custom field Case is $1, through REST2.
rt_count() {
	rt GET tickets -G --data-urlencode \
	    "query=Queue = 'Abuse' AND 'CF.{Case}' = '$1'" |
	    "$PY" -c 'import json, sys; print(json.load(sys.stdin)["total"])'
}

# The transaction types of ticket $1, one line each.
rt_history() {
	rt GET "ticket/$1/history?fields=Type&per_page=100" |
	    "$PY" -c 'import json, sys
for i in json.load(sys.stdin)["items"]: print(i["Type"])'
}
