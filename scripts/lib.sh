# Shared settings and helpers of scripts/setup.sh and scripts/test.sh.
# shellcheck shell=bash

BENCH_USER=${BENCH_USER:-frappe}
BENCH_HOME=$(getent passwd "$BENCH_USER" | cut -d: -f6 || true)
BENCH_HOME=${BENCH_HOME:-/home/$BENCH_USER}
BENCH_DIR=${BENCH_DIR:-$BENCH_HOME/order-clerk-bench}
BENCH_CLI_DIR=${BENCH_CLI_DIR:-$BENCH_HOME/.bench-cli/bin}
BENCH_CLI=$BENCH_CLI_DIR/bench
SITE=${SITE:-order-clerk.localhost}
# The tests' own site: the test command never touches the demo site.
TEST_SITE=${TEST_SITE:-order-clerk-test.localhost}
FRAPPE_BRANCH=${FRAPPE_BRANCH:-version-15}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}
DEMO_PASSWORD=${DEMO_PASSWORD:-Demo-Order-1}
DB_ADMIN_USER=${DB_ADMIN_USER:-order_clerk_admin}
REDIS_PORT=${REDIS_PORT:-6379}
BENCH_PATH="$BENCH_CLI_DIR:/usr/local/bin:/usr/bin:/bin"
export BENCH_USER BENCH_DIR SITE TEST_SITE DEMO_PASSWORD

say() { printf '==> %s\n' "$*" >&2; }
fail() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		fail "This step needs root: run as root or with password-less sudo ($*)."
	fi
}

# Runs a command as the bench user, keeping the variables the scripts pass on.
as_bench() {
	if [ "$(id -un)" = "$BENCH_USER" ]; then
		"$@"
	else
		# A clean PATH: the caller's may lead to interpreters the bench user cannot run.
		as_root runuser -u "$BENCH_USER" -- env HOME="$BENCH_HOME" PATH="$BENCH_PATH" \
			BENCH_DIR="$BENCH_DIR" SITE="$SITE" TEST_SITE="$TEST_SITE" DEMO_PASSWORD="$DEMO_PASSWORD" CI="${CI:-}" "$@"
	fi
}

# As as_bench, but in place of this shell, so that signals (Ctrl-C, kill) reach the command.
exec_as_bench() {
	if [ "$(id -un)" = "$BENCH_USER" ]; then
		exec "$@"
	fi
	local runner=(runuser -u "$BENCH_USER" --)
	if [ "$(id -u)" != 0 ]; then
		sudo -n true 2>/dev/null || fail "Run this as root, as $BENCH_USER, or with password-less sudo."
		runner=(sudo -n "${runner[@]}")
	fi
	exec "${runner[@]}" env HOME="$BENCH_HOME" PATH="$BENCH_PATH" \
		BENCH_DIR="$BENCH_DIR" SITE="$SITE" TEST_SITE="$TEST_SITE" DEMO_PASSWORD="$DEMO_PASSWORD" CI="${CI:-}" "$@"
}

bench_in_dir() {
	as_bench bash -c 'cd "$0" && exec "$@"' "$BENCH_DIR" "$BENCH_CLI" "$@"
}

wait_for() {
	local what=$1
	shift
	for _ in $(seq 1 30); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 1
	done
	fail "$what did not start."
}

# MariaDB and Redis, started when they are not running (needs root).
start_services() {
	if ! as_root mariadb -e "select 1" >/dev/null 2>&1; then
		say "Starting MariaDB"
		as_root service mariadb start >/dev/null 2>&1 ||
			as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
		wait_for "MariaDB" as_root mariadb -e "select 1"
	fi
	if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
		say "Starting Redis"
		as_root service redis-server start >/dev/null 2>&1 ||
			as_root redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT"
		wait_for "Redis" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
	fi
}
