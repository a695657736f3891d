#!/usr/bin/env bash
# Runs every test of order_clerk against a real site (MariaDB, Redis, a real web server).
#
#   bash scripts/test.sh              # all tests
#   bash scripts/test.sh -k workflow  # extra arguments go to pytest
#
# It first runs scripts/setup.sh, which is quick when the bench exists: it re-links this
# checkout into the bench, reinstalls it and migrates the site.
set -Eeuo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$REPO_DIR/scripts/lib.sh"

if ! bash "$REPO_DIR/scripts/setup.sh" >&2; then
	fail "Set-up failed (see above), so no test ran. Without network access to Frappe's git repository, give a local clone of Frappe as FRAPPE_PATH."
fi

APP_DIR="$BENCH_DIR/apps/order_clerk"
OUTPUT_DIR=${TEST_OUTPUT_DIR:-$BENCH_DIR/test-output/order_clerk}
as_bench mkdir -p "$OUTPUT_DIR"
say "Running tests on $SITE (output in $OUTPUT_DIR)"
as_bench env OC_TEST_SITE="$SITE" OC_BENCH_DIR="$BENCH_DIR" OC_TEST_OUTPUT="$OUTPUT_DIR" \
	bash -c 'cd "$0" && exec "$1" -m pytest "${@:2}"' "$APP_DIR" "$BENCH_DIR/env/bin/python" tests "$@"
