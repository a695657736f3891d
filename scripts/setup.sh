#!/usr/bin/env bash
# Sets up (or repairs) a Frappe v15 bench with a site running order_clerk.
#
#   bash scripts/setup.sh              # as root, or with password-less sudo: the demo site
#   bash scripts/setup.sh --test-site  # the bench and the tests' own site (scripts/test.sh)
#
# Environment overrides:
#   FRAPPE_PATH   local clone or mirror of Frappe (passed to bench init --frappe-path)
#   FRAPPE_BRANCH Frappe branch (default version-15)
#   BENCH_USER    non-root user that owns the bench (default frappe)
#   BENCH_DIR     where the bench lives (default /home/$BENCH_USER/order-clerk-bench)
#   SITE          the demo site (default order-clerk.localhost)
#   TEST_SITE     the tests' own site (default order-clerk-test.localhost)
#   ADMIN_PASSWORD  password of the site's Administrator (default admin)
#   SKIP_SYSTEM_PACKAGES=1  do not apt-get anything
#
# Safe to run again: a second run re-links this checkout into the bench, reinstalls it
# editable and migrates the site.
set -Eeuo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$REPO_DIR/scripts/lib.sh"

install_system_packages() {
	[ "${SKIP_SYSTEM_PACKAGES:-0}" = 1 ] && return 0
	# chromium: the browser the browser tests drive (tests/test_browser.py).
	# tesseract-ocr-chi-sim: order capture reads scanned orders and faxes in Simplified Chinese.
	local wanted=(git curl python3-venv python3-dev pkg-config build-essential libmariadb-dev
		mariadb-server mariadb-client redis-server wkhtmltopdf xfonts-75dpi xfonts-base
		fonts-noto-cjk fonts-wqy-microhei poppler-utils nodejs npm cron chromium
		tesseract-ocr tesseract-ocr-chi-sim)
	local missing=()
	for pkg in "${wanted[@]}"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
	done
	# Node from another source (nodesource, nvm) already provides npm.
	if command -v node >/dev/null && command -v npm >/dev/null; then
		local filtered=()
		for pkg in "${missing[@]}"; do
			[[ "$pkg" == nodejs || "$pkg" == npm ]] || filtered+=("$pkg")
		done
		missing=("${filtered[@]+"${filtered[@]}"}")
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		say "Installing system packages: ${missing[*]}"
		as_root apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
	if ! command -v yarn >/dev/null; then
		say "Installing yarn"
		as_root npm install -g --silent yarn >/dev/null
	fi
}

ensure_bench_user() {
	if ! id "$BENCH_USER" >/dev/null 2>&1; then
		say "Creating user $BENCH_USER"
		as_root useradd --create-home --shell /bin/bash "$BENCH_USER"
	fi
	local home
	home=$(getent passwd "$BENCH_USER" | cut -d: -f6)
	as_root chmod o+x "$home"
	if [ ! -x "$BENCH_CLI" ]; then
		say "Installing the bench command for $BENCH_USER"
		as_bench python3 -m venv "$home/.bench-cli"
		as_bench "$home/.bench-cli/bin/pip" install --quiet frappe-bench "setuptools<81"
	fi
	# yarn's own registry may be unreachable where npm's is not: use npm's.
	local registry
	registry=$(npm config get registry 2>/dev/null || true)
	if [ -n "$registry" ]; then
		as_bench yarn config set registry "$registry" >/dev/null
	fi
}

ensure_db_admin() {
	# bench new-site needs a database administrator with a password; MariaDB's root often
	# has none and logs in over the socket only.
	local secret_file="$BENCH_HOME/.order_clerk_db_admin"
	if [ ! -s "$secret_file" ]; then
		as_bench bash -c "umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > '$secret_file'"
	fi
	DB_ADMIN_PASSWORD=$(as_root cat "$secret_file")
	# Frappe connects over TCP to 127.0.0.1, which MariaDB may not call localhost.
	local host
	for host in localhost 127.0.0.1; do
		as_root mariadb <<-SQL
			CREATE USER IF NOT EXISTS '$DB_ADMIN_USER'@'$host' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
			ALTER USER '$DB_ADMIN_USER'@'$host' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
			GRANT ALL PRIVILEGES ON *.* TO '$DB_ADMIN_USER'@'$host' WITH GRANT OPTION;
		SQL
	done
}

ensure_bench() {
	if [ -x "$BENCH_DIR/env/bin/python" ] && [ -d "$BENCH_DIR/apps/frappe/frappe" ]; then
		return 0
	fi
	if [ -e "$BENCH_DIR" ] && [ -n "$(ls -A "$BENCH_DIR" 2>/dev/null)" ]; then
		fail "$BENCH_DIR exists but holds no complete bench. Move it away or set BENCH_DIR."
	fi
	local python
	python=$(as_bench bash -c 'command -v python3')
	as_bench "$python" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' ||
		fail "Frappe 15 needs Python 3.10 to 3.12; $python is another version."
	local args=(init --frappe-branch "$FRAPPE_BRANCH" --python "$python" --no-backups
		--skip-redis-config-generation)
	if [ -n "${FRAPPE_PATH:-}" ]; then
		FRAPPE_PATH=$(cd "$FRAPPE_PATH" && pwd)
		as_bench test -r "$FRAPPE_PATH/.git/HEAD" -o -r "$FRAPPE_PATH/HEAD" ||
			fail "FRAPPE_PATH=$FRAPPE_PATH is not readable by $BENCH_USER."
		# A clone owned by someone else is refused by git unless marked safe.
		local safe
		for safe in "$FRAPPE_PATH" "$FRAPPE_PATH/.git"; do
			as_bench git config --global --get-all safe.directory 2>/dev/null | grep -qxF "$safe" ||
				as_bench git config --global --add safe.directory "$safe"
		done
		args+=(--frappe-path "$FRAPPE_PATH")
	fi
	say "Creating the bench in $BENCH_DIR (Frappe $FRAPPE_BRANCH); this takes a while"
	as_root mkdir -p "$(dirname "$BENCH_DIR")"
	if ! as_bench env GIT_TERMINAL_PROMPT=0 "$BENCH_CLI" "${args[@]}" "$BENCH_DIR" </dev/null; then
		as_root rm -rf "$BENCH_DIR"
		fail "bench init failed. Without access to Frappe's git repository, pass a local clone as FRAPPE_PATH."
	fi
}

configure_bench() {
	# Frappe 15 still imports pkg_resources, which setuptools 81 dropped.
	as_bench "$BENCH_CLI_DIR/uv" pip install --quiet --python "$BENCH_DIR/env/bin/python" "setuptools<81"
	local url="redis://127.0.0.1:$REDIS_PORT"
	for key in redis_cache redis_queue redis_socketio; do
		bench_in_dir set-config -g "$key" "$url" >/dev/null
	done
}

link_app() {
	local target="$BENCH_DIR/apps/order_clerk"
	if as_bench test -r "$REPO_DIR/order_clerk/hooks.py"; then
		if [ "$(readlink "$target" 2>/dev/null)" != "$REPO_DIR" ]; then
			as_bench rm -rf "$target"
			as_bench ln -s "$REPO_DIR" "$target"
		fi
	else
		# The checkout is not readable by the bench user (for example under /root): copy it.
		say "$REPO_DIR is not readable by $BENCH_USER; copying it into the bench"
		as_root rm -rf "$target"
		as_root cp -a "$REPO_DIR" "$target"
		as_root chown -R "$BENCH_USER:" "$target"
	fi
	as_bench "$BENCH_CLI_DIR/uv" pip install --quiet --python "$BENCH_DIR/env/bin/python" \
		-e "$target" -r "$target/requirements-dev.txt"
	as_bench touch "$BENCH_DIR/sites/apps.txt"
	if ! grep -qx "order_clerk" "$BENCH_DIR/sites/apps.txt"; then
		# apps.txt may lack a final newline.
		as_bench sed -i -e '$a\' "$BENCH_DIR/sites/apps.txt"
		as_bench bash -c "echo order_clerk >> '$BENCH_DIR/sites/apps.txt'"
	fi
}

# ensure_site SITE demo|test: a site with order_clerk installed and migrated. The demo site
# gets the demo users and data; the test site only what every site gets.
ensure_site() {
	local site=$1 kind=$2
	if [ ! -f "$BENCH_DIR/sites/$site/site_config.json" ]; then
		say "Creating site $site"
		# What an interrupted new-site left behind (--force below replaces its database).
		as_bench rm -rf "$BENCH_DIR/sites/$site"
		ensure_db_admin
		bench_in_dir new-site "$site" --db-root-username "$DB_ADMIN_USER" \
			--db-root-password "$DB_ADMIN_PASSWORD" --admin-password "$ADMIN_PASSWORD" \
			--no-mariadb-socket --force </dev/null
	fi
	local apps
	if ! apps=$(bench_in_dir --site "$site" list-apps 2>/dev/null); then
		fail "Site $site exists but cannot be opened. Drop it (bench drop-site $site) or choose another site name."
	fi
	if [ "$kind" = test ]; then
		bench_in_dir --site "$site" set-config allow_tests true >/dev/null
		# The tests make a user for each role profile they try, and more for renames and the
		# portal: on a fresh site that passes Frappe's 60 new users an hour, after which it
		# refuses with "Throttled". A production site keeps Frappe's limit.
		bench_in_dir --site "$site" set-config --parse throttle_user_limit 1000 >/dev/null
		# Background jobs of the tests' site go to queues of their own (Frappe names queues
		# "<bench_id>:<queue>"): the workers of scripts/run.sh never run them, and the tests'
		# workers never run the demo site's.
		bench_in_dir --site "$site" set-config bench_id "$site" >/dev/null
	fi
	# As `bench add-to-hosts` does: wkhtmltopdf fetches the print stylesheet from the site's URL.
	if ! grep -qE "^127\.0\.0\.1[[:space:]]+$site\$" /etc/hosts; then
		printf '127.0.0.1\t%s\n' "$site" | as_root tee -a /etc/hosts >/dev/null
	fi
	# A site with no email account of its own queues mail through a local MTA.
	if ! as_bench grep -q '"mail_server"' "$BENCH_DIR/sites/$site/site_config.json"; then
		bench_in_dir --site "$site" set-config mail_server localhost >/dev/null
		bench_in_dir --site "$site" set-config auto_email_id "orders@$site" >/dev/null
	fi
	if ! grep -q "^order_clerk" <<<"$apps"; then
		say "Installing order_clerk on $site"
		bench_in_dir --site "$site" install-app order_clerk </dev/null
	else
		say "Migrating $site"
		bench_in_dir --site "$site" migrate </dev/null >/dev/null
	fi
	if [ "$kind" = demo ]; then
		bench_in_dir --site "$site" execute order_clerk.demo.setup_demo >/dev/null
	else
		bench_in_dir --site "$site" execute order_clerk.demo.setup_site >/dev/null
	fi
}

main() {
	install_system_packages
	start_services
	ensure_bench_user
	ensure_bench
	configure_bench
	link_app
	# Before install or migrate, which clear the translation cache: prints read the new ones.
	bench_in_dir compile-po-to-mo --app order_clerk >/dev/null
	if [ "${1:-}" = --test-site ]; then
		ensure_site "$TEST_SITE" test
	else
		ensure_site "$SITE" demo
	fi
	bench_in_dir build --app order_clerk >/dev/null 2>&1 || true
	[ "${1:-}" = --test-site ] && return 0
	cat <<-EOF

		order_clerk is ready on site $SITE in $BENCH_DIR.
		  Start it:  bash scripts/run.sh   (web server, realtime, workers, scheduler; Ctrl-C stops)
		  Open:      http://$SITE:8000  (Administrator / $ADMIN_PASSWORD)
		  Demo users (password $DEMO_PASSWORD): clerk@example.com (in English:
		    english.clerk@example.com), reviewer@example.com, warehouse@example.com,
		    finance@example.com, integrator@example.com, admin@example.com (System Manager)
	EOF
}

main "$@"
