#!/usr/bin/env bash
# Runs order_clerk as `bench start` does, without the asset watcher, in the foreground:
#
#   web       the web server (bench serve) on the bench's webserver_port, 8000 by default
#   socketio  the realtime server (bench socketio) on its socketio_port, 9000: live progress
#   short, default, long   a background worker for each queue (bench worker --queue ...)
#   schedule  the scheduler (bench schedule); the site's scheduler is enabled and resumed first
#
# Ctrl-C (or a TERM signal) stops them all; so does any one of them ending.
#
#   bash scripts/run.sh    # as root or with password-less sudo (it runs as the bench user)
#
# Environment overrides as for scripts/setup.sh: BENCH_USER, BENCH_DIR, SITE. The ports are the
# bench's own; change them with `bench set-config -g webserver_port 8001` (and socketio_port).
set -Eeuo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$REPO_DIR/scripts/lib.sh"

[ -f "$BENCH_DIR/sites/$SITE/site_config.json" ] ||
	fail "There is no site $SITE in $BENCH_DIR. Set it up first: bash scripts/setup.sh"

if [ "$(id -un)" != "$BENCH_USER" ]; then
	start_services
	# Go on as the bench user, with the bench's copy of this script (always readable by it).
	exec_as_bench bash "$BENCH_DIR/apps/order_clerk/scripts/run.sh" "$@"
fi

cd "$BENCH_DIR"

bench_config() {
	"$BENCH_DIR/env/bin/python" -c 'import json, sys
print(json.load(open(sys.argv[1])).get(sys.argv[2]) or sys.argv[3])' sites/common_site_config.json "$1" "$2"
}

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

WEB_PORT=$(bench_config webserver_port 8000)
SOCKETIO_PORT=$(bench_config socketio_port 9000)
for port in "$WEB_PORT" "$SOCKETIO_PORT"; do
	if port_in_use "$port"; then
		fail "Port $port is in use: is the bench already running (bench start, scripts/run.sh)? Stop that first, or give this bench other ports with bench set-config -g webserver_port / socketio_port."
	fi
done

say "Enabling the scheduler of $SITE"
"$BENCH_CLI" --site "$SITE" scheduler enable >/dev/null
"$BENCH_CLI" --site "$SITE" scheduler resume >/dev/null

# As `bench start` does: unbuffered output, and DEV_SERVER, with which the desk connects to the
# realtime server on its own port (behind nginx in production, the same port serves both).
export PYTHONUNBUFFERED=true DEV_SERVER=true

process_groups=()

# start NAME COMMAND...: runs the command in a process group of its own (killed as a whole on
# the way out), its output prefixed with its name.
start() {
	local name=$1
	shift
	setsid bash -c '"${@:2}" 2>&1 | sed -u "s/^/$1 | /"' run-process "$(printf '%-9s' "$name")" "$@" &
	process_groups+=("$!")
}

stopping=0
stop_all() {
	[ "$stopping" = 1 ] && return
	stopping=1
	trap - INT TERM
	say "Stopping"
	local pgid alive
	for pgid in "${process_groups[@]}"; do
		kill -TERM -- "-$pgid" 2>/dev/null || true
	done
	# Workers finish the job at hand on TERM; after ten seconds, no more waiting.
	for _ in $(seq 1 20); do
		alive=0
		for pgid in "${process_groups[@]}"; do
			kill -0 -- "-$pgid" 2>/dev/null && alive=1
		done
		[ "$alive" = 0 ] && break
		sleep 0.5
	done
	for pgid in "${process_groups[@]}"; do
		kill -KILL -- "-$pgid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

start web "$BENCH_CLI" serve --port "$WEB_PORT"
start socketio "$BENCH_CLI" socketio
start short "$BENCH_CLI" worker --queue short
start default "$BENCH_CLI" worker --queue default
start long "$BENCH_CLI" worker --queue long
start schedule "$BENCH_CLI" schedule

say "order_clerk runs at http://$SITE:$WEB_PORT (realtime on port $SOCKETIO_PORT); Ctrl-C stops it"
status=0
wait -n || status=$?
say "A process ended (exit status $status), so everything stops"
stop_all
exit 1
