#!/usr/bin/env bash
# Runs a MariaDB read replica of one site's database on this machine, and points the site's
# reports at it (Frappe's read_from_replica).
#
#   bash scripts/replica.sh SITE     # set up the replica (or check the running one) for SITE
#   bash scripts/replica.sh --stop   # the sites read from the primary again; the replica stops
#
# Needs root (or password-less sudo). The replica is a second mariadbd with its own data
# directory and port, read-only, replicating only SITE's database from the primary. The
# primary needs its binary log: when it is off, this script turns it on (a marked section of
# the primary's configuration) and restarts the primary once.
#
# Environment overrides:
#   REPLICA_DIR   the replica's data, configuration and log (default /var/lib/order-clerk-replica)
#   REPLICA_PORT  its port on 127.0.0.1 (default 3307)
#   PRIMARY_CNF   the primary's configuration file (default /etc/mysql/my.cnf)
# One replica serves one site; for another site, give it its own REPLICA_DIR and REPLICA_PORT.
set -Eeuo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$REPO_DIR/scripts/lib.sh"

REPLICA_DIR=${REPLICA_DIR:-/var/lib/order-clerk-replica}
REPLICA_PORT=${REPLICA_PORT:-3307}
REPLICA_HOST=127.0.0.1
REPLICA_CNF=$REPLICA_DIR/my.cnf
REPLICA_SOCKET=$REPLICA_DIR/mysqld.sock
PRIMARY_CNF=${PRIMARY_CNF:-/etc/mysql/my.cnf}
PRIMARY_CONF_DIR=/etc/mysql/mariadb.conf.d
REPLICATION_USER=order_clerk_repl
MARKER="order_clerk replication"

primary() { as_root mariadb "$@"; }
replica() { as_root mariadb --socket="$REPLICA_SOCKET" "$@"; }
replica_answers() { replica -e "select 1" >/dev/null 2>&1; }

site_value() {
	as_root python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]) or "")' \
		"$BENCH_DIR/sites/$1/site_config.json" "$2"
}

# The primary's settings for replication, in a file it includes or a marked section of its own.
primary_settings() {
	cat <<-EOF
		[mysqld]
		server-id = $(primary -N -e "select @@server_id")
		log-bin = mysql-bin
		binlog-format = ROW
		expire-logs-days = 3
		max-binlog-size = 100M
	EOF
}

ensure_primary_binlog() {
	if [ "$(primary -N -e "select @@log_bin")" = 1 ]; then
		return 0
	fi
	local settings
	settings=$(primary_settings)
	if grep -qE "^[[:space:]]*!includedir[[:space:]]+$PRIMARY_CONF_DIR/?[[:space:]]*$" "$PRIMARY_CNF"; then
		printf '# %s (scripts/replica.sh)\n%s\n' "$MARKER" "$settings" |
			as_root tee "$PRIMARY_CONF_DIR/90-order-clerk-replication.cnf" >/dev/null
	elif ! grep -qF "# begin $MARKER" "$PRIMARY_CNF"; then
		printf '\n# begin %s (scripts/replica.sh)\n%s\n# end %s\n' "$MARKER" "$settings" "$MARKER" |
			as_root tee -a "$PRIMARY_CNF" >/dev/null
	fi
	# The settings must parse before the primary stops: a bad one would keep it from starting.
	if ! as_root /usr/sbin/mariadbd --help --verbose >/dev/null 2>&1; then
		remove_primary_settings
		fail "MariaDB refuses the replication settings; nothing was changed (see: mariadbd --help --verbose)."
	fi
	say "Restarting the primary MariaDB to turn on its binary log"
	restart_primary
	[ "$(primary -N -e "select @@log_bin")" = 1 ] ||
		fail "The primary's binary log is still off: check $PRIMARY_CNF and the files it includes."
}

remove_primary_settings() {
	as_root rm -f "$PRIMARY_CONF_DIR/90-order-clerk-replication.cnf"
	as_root sed -i "/^# begin $MARKER/,/^# end $MARKER/d" "$PRIMARY_CNF"
}

restart_primary() {
	if command -v systemctl >/dev/null && as_root systemctl is-active --quiet mariadb 2>/dev/null; then
		as_root systemctl restart mariadb
	else
		# Started without a service manager (scripts/setup.sh): stop it and start it the same way.
		local pid_file
		pid_file=$(primary -N -e "select @@pid_file")
		as_root mariadb-admin shutdown
		for _ in $(seq 1 60); do
			[ -e "$pid_file" ] || break
			sleep 1
		done
		as_root start-stop-daemon --start --oknodo --background --pidfile "$pid_file" \
			--exec /usr/sbin/mariadbd
	fi
	wait_for "The primary MariaDB" primary -e "select 1"
}

write_replica_config() {
	local db=$1 server_id=$2
	as_root install -d -o mysql -g mysql -m 750 "$REPLICA_DIR"
	local wanted
	wanted=$(
		cat <<-EOF
			# The read replica of scripts/replica.sh: only the database $db, read-only.
			[mysqld]
			user = mysql
			datadir = $REPLICA_DIR/data
			socket = $REPLICA_SOCKET
			pid-file = $REPLICA_DIR/mysqld.pid
			log-error = $REPLICA_DIR/error.log
			bind-address = $REPLICA_HOST
			port = $REPLICA_PORT
			skip-name-resolve
			character-set-server = utf8mb4
			collation-server = utf8mb4_general_ci
			server-id = $server_id
			relay-log = relay-bin
			replicate-wild-do-table = $db.%
			read-only = 1
			innodb-buffer-pool-size = 256M
		EOF
	)
	if [ "$(as_root cat "$REPLICA_CNF" 2>/dev/null)" != "$wanted" ]; then
		printf '%s\n' "$wanted" | as_root tee "$REPLICA_CNF" >/dev/null
		if replica_answers; then
			say "The replica's settings changed: restarting it"
			stop_replica_server
		fi
	fi
	if ! as_root test -d "$REPLICA_DIR/data/mysql"; then
		say "Creating the replica's data directory in $REPLICA_DIR/data"
		as_root mariadb-install-db --defaults-file="$REPLICA_CNF" --skip-test-db >/dev/null
	fi
}

start_replica_server() {
	replica_answers && return 0
	say "Starting the replica on $REPLICA_HOST:$REPLICA_PORT"
	as_root setsid /usr/sbin/mariadbd --defaults-file="$REPLICA_CNF" </dev/null >/dev/null 2>&1 &
	wait_for "The replica (see $REPLICA_DIR/error.log)" replica -e "select 1"
}

stop_replica_server() {
	replica_answers || return 0
	as_root mariadb-admin --socket="$REPLICA_SOCKET" shutdown
	for _ in $(seq 1 60); do
		as_root test -e "$REPLICA_DIR/mysqld.pid" || return 0
		sleep 1
	done
	fail "The replica did not stop (see $REPLICA_DIR/error.log)."
}

slave_field() {
	awk -F': ' -v field="$2" '$1 ~ "^ *" field "$" {print $2}' <<<"$1"
}

replicating() {
	local db=$1 status
	status=$(replica -e "SHOW SLAVE STATUS\G" 2>/dev/null) || return 1
	[ "$(slave_field "$status" Slave_IO_Running)" = Yes ] &&
		[ "$(slave_field "$status" Slave_SQL_Running)" = Yes ] &&
		[ "$(slave_field "$status" Master_Port)" = "$(primary -N -e "select @@port")" ] &&
		[ -n "$(replica -N -e "select schema_name from information_schema.schemata where schema_name = '$db'")" ]
}

wait_caught_up() {
	local status lag
	for _ in $(seq 1 120); do
		status=$(replica -e "SHOW SLAVE STATUS\G")
		if [ "$(slave_field "$status" Slave_SQL_Running)" = No ] ||
			[ -n "$(slave_field "$status" Last_IO_Error)" ]; then
			fail "Replication stopped: $(slave_field "$status" Last_IO_Error)$(slave_field "$status" Last_SQL_Error)"
		fi
		lag=$(slave_field "$status" Seconds_Behind_Master)
		[ "$lag" = 0 ] && return 0
		sleep 1
	done
	fail "The replica is still behind the primary (Seconds_Behind_Master: ${lag:-unknown})."
}

# Copies an account of the primary (every host, the same password) to the replica with GRANTS.
copy_account() {
	local user=$1 grants=$2 host create account
	for host in $(primary -N -e "select host from mysql.user where user = '$user'"); do
		create=$(primary -N -e "show create user '$user'@'$host'")
		account="'$user'@'$host'"
		replica <<-SQL
			${create/CREATE USER/CREATE OR REPLACE USER};
			${grants//@USER@/$account};
		SQL
	done
}

copy_accounts() {
	local db=$1
	# The site's own account, allowed to read only.
	copy_account "$db" "GRANT SELECT, SHOW VIEW, CREATE TEMPORARY TABLES ON \`$db\`.* TO @USER@"
	# The database administrator of scripts/setup.sh watches the replica (its status and general
	# log) but cannot write to it: read_only holds for SUPER.
	copy_account "$DB_ADMIN_USER" "GRANT SUPER, SLAVE MONITOR ON *.* TO @USER@;
		GRANT SELECT ON mysql.general_log TO @USER@; GRANT SELECT ON \`$db\`.* TO @USER@"
}

# Copies the site's database from one consistent point of the primary's binary log, and
# replicates from there on.
seed_replica() {
	local db=$1 password
	say "Copying $db to the replica"
	password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
	primary <<-SQL
		SET SESSION sql_log_bin = 0;
		CREATE USER IF NOT EXISTS '$REPLICATION_USER'@'$REPLICA_HOST' IDENTIFIED BY '$password';
		ALTER USER '$REPLICATION_USER'@'$REPLICA_HOST' IDENTIFIED BY '$password';
		GRANT REPLICATION SLAVE ON *.* TO '$REPLICATION_USER'@'$REPLICA_HOST';
	SQL
	replica <<-SQL
		STOP SLAVE;
		RESET SLAVE ALL;
		SET GLOBAL read_only = 0;
		CHANGE MASTER TO MASTER_HOST = '$REPLICA_HOST', MASTER_PORT = $(primary -N -e "select @@port"),
			MASTER_USER = '$REPLICATION_USER', MASTER_PASSWORD = '$password', MASTER_USE_GTID = no;
	SQL
	# --master-data=1 ends the copy with CHANGE MASTER TO the log position it was taken at.
	if ! as_root mariadb-dump --single-transaction --master-data=1 --add-drop-database \
		--routines --databases "$db" | replica; then
		replica -e "SET GLOBAL read_only = 1"
		fail "Copying $db to the replica failed."
	fi
	copy_accounts "$db"
	replica -e "SET GLOBAL read_only = 1; START SLAVE"
	wait_caught_up
}

point_site_at_replica() {
	local site=$1
	bench_in_dir --site "$site" set-config -p replica_db_port "$REPLICA_PORT" >/dev/null
	bench_in_dir --site "$site" set-config replica_host "$REPLICA_HOST" >/dev/null
	bench_in_dir --site "$site" set-config read_from_replica 1 >/dev/null
}

# Sites reading from this replica read from the primary again.
detach_sites() {
	local config site
	for config in "$BENCH_DIR"/sites/*/site_config.json; do
		[ -f "$config" ] || continue
		site=$(basename "$(dirname "$config")")
		[ "$(site_value "$site" replica_db_port)" = "$REPLICA_PORT" ] || continue
		say "Site $site reads from the primary again"
		local key
		for key in read_from_replica replica_host replica_db_port; do
			bench_in_dir --site "$site" set-config "$key" None >/dev/null
		done
	done
}

main() {
	if [ "${1:-}" = --stop ]; then
		detach_sites
		stop_replica_server
		say "The replica is stopped; its data stays in $REPLICA_DIR."
		return 0
	fi
	local site=${1:-}
	[ -n "$site" ] || fail "Usage: bash scripts/replica.sh SITE | --stop"
	[ -f "$BENCH_DIR/sites/$site/site_config.json" ] || fail "No site $site in $BENCH_DIR."
	local db
	db=$(site_value "$site" db_name)
	[ -n "$db" ] || fail "Site $site has no db_name in its site_config.json."
	primary -e "select 1" >/dev/null 2>&1 || fail "The primary MariaDB does not answer: run scripts/setup.sh first."

	ensure_primary_binlog
	write_replica_config "$db" $(($(primary -N -e "select @@server_id") + 1))
	start_replica_server
	if replicating "$db"; then
		say "The replica of $db is running"
		wait_caught_up
	else
		# Sites read from the primary while their database is copied afresh.
		detach_sites
		seed_replica "$db"
	fi
	point_site_at_replica "$site"
	say "Site $site reads its reports from the replica on $REPLICA_HOST:$REPLICA_PORT."
}

main "$@"
