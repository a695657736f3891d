#!/usr/bin/env bash
# Runs every test of order_clerk against a real site (MariaDB, Redis, a real web server).
#
#   bash scripts/test.sh              # all tests
#   bash scripts/test.sh -k workflow  # extra arguments go to pytest
#   OC_REPLICA=1 bash scripts/test.sh # with a read replica of the tests' site (scripts/replica.sh)
#
# It first runs scripts/setup.sh --test-site, which is quick when the bench exists: it re-links
# this checkout into the bench, reinstalls it and migrates the tests' own site. The demo site is
# never touched: when it exists, its record counts are compared before and after the run.
set -Eeuo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$REPO_DIR/scripts/lib.sh"

if ! bash "$REPO_DIR/scripts/setup.sh" --test-site >&2; then
	fail "Set-up failed (see above), so no test ran. Without network access to Frappe's git repository, give a local clone of Frappe as FRAPPE_PATH."
fi
# OC_REPLICA=1: the tests' site reads its reports from a read replica (tests/test_replica.py).
if [ "${OC_REPLICA:-0}" = 1 ]; then
	bash "$REPO_DIR/scripts/replica.sh" "$TEST_SITE" >&2 || fail "The read replica could not be set up (see above)."
elif as_bench grep -q '"read_from_replica": 1' "$BENCH_DIR/sites/$TEST_SITE/site_config.json"; then
	# A replica set up by an earlier run may be gone (it does not outlive the machine's session):
	# without OC_REPLICA the tests' site reads from the primary.
	bench_in_dir --site "$TEST_SITE" set-config --parse read_from_replica 0 >/dev/null
fi

APP_DIR="$BENCH_DIR/apps/order_clerk"
OUTPUT_DIR=${TEST_OUTPUT_DIR:-$BENCH_DIR/test-output/order_clerk}
as_bench mkdir -p "$OUTPUT_DIR"

demo_fingerprint() {
	[ -f "$BENCH_DIR/sites/$SITE/site_config.json" ] || return 0
	bench_in_dir --site "$SITE" execute order_clerk.demo.fingerprint 2>/dev/null || echo "unreadable"
}

before=$(demo_fingerprint)
say "Running tests on $TEST_SITE (output in $OUTPUT_DIR)"
status=0
as_bench env OC_TEST_SITE="$TEST_SITE" OC_BENCH_DIR="$BENCH_DIR" OC_TEST_OUTPUT="$OUTPUT_DIR" \
	OC_BENCH_CLI="$BENCH_CLI" OC_CAPTURE_CORPUS="${OC_CAPTURE_CORPUS:-$(dirname "$REPO_DIR")/shared/intake-corpus}" \
	bash -c 'cd "$0" && exec "$1" -m pytest "${@:2}"' "$APP_DIR" "$BENCH_DIR/env/bin/python" tests "$@" ||
	status=$?
after=$(demo_fingerprint)
if [ "$before" != "$after" ]; then
	printf 'Demo site before the tests: %s\nand after: %s\n' "$before" "$after" >&2
	fail "The tests changed the demo site $SITE; they must use $TEST_SITE only."
fi
exit "$status"
