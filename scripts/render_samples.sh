#!/usr/bin/env bash
# Renders a sample of each print format of the app to PDF and PNG, for a person to look at.
#
#   bash scripts/render_samples.sh             # into $BENCH_DIR/print-samples
#   bash scripts/render_samples.sh OUTPUT_DIR
#
# Needs the bench and site of scripts/setup.sh (same environment variables). The samples
# are made in a transaction that is rolled back: the site keeps nothing of them.
set -Eeuo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$REPO_DIR/scripts/lib.sh"

[ -x "$BENCH_DIR/env/bin/python" ] || fail "No bench in $BENCH_DIR: run scripts/setup.sh first."
OUT_DIR=${1:-$BENCH_DIR/print-samples}
as_bench mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
say "Rendering print samples of $SITE into $OUT_DIR"
as_bench bash -c 'cd "$0" && exec "$1" scripts/render_samples.py --site "$2" --sites-path "$3" --out "$4"' \
	"$BENCH_DIR/apps/order_clerk" "$BENCH_DIR/env/bin/python" "$SITE" "$BENCH_DIR/sites" "$OUT_DIR"
