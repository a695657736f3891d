"""A bounded burst of orders through REST: `orders` 10-line orders from `clients` clients at once,
sent to a server on 127.0.0.1 (order_clerk.scale.intake_bench.IntakeServer) or at a given URL.

It reports the latency percentiles (p50, p95, p99, the largest), the throughput, the errors by
kind, and then checks by external reference that every order exists exactly once: none lost,
none twice. Targets: no error, no duplicate, and p99 under P99_TARGET times p50. The orders are
deleted afterwards, with the benchmark clerk's API keys.
"""

import math

from order_clerk.scale.intake_bench import LINES_PER_ORDER, ORDER_PATH, BenchClerk, IntakeServer, send

P99_TARGET = 10.0


def percentile(values: list[float], share: float) -> float:
	"""The nearest-rank percentile of `values` (share between 0 and 1)."""
	ordered = sorted(values)
	if not ordered:
		return 0.0
	return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def run(orders: int = 2000, clients: int = 20, url: str | None = None, echo=print, workers: int = 4) -> dict:
	with IntakeServer(url, workers) as server, BenchClerk() as bench:
		# Warm every worker first: its first request loads the app.
		send(server, bench.keys, "/api/method/ping", [{}] * (2 * server.workers), server.workers)
		echo(
			f"Load: {orders} orders of {LINES_PER_ORDER} lines from {clients} clients at once to {server.url}"
		)
		burst = send(server, bench.keys, ORDER_PATH, [bench.order(n) for n in range(orders)], clients)
		made = bench.orders_made()
	latencies = burst["latencies"]
	errors: dict[str, int] = {}
	for error in burst["errors"]:
		errors[error] = errors.get(error, 0) + 1
	duplicates = sum(1 for count in made.values() if count > 1)
	# Answered as created, yet not stored.
	missing = sum(1 for payload in burst["succeeded"] if payload["external_ref"] not in made)
	figures = {
		"token": bench.token,
		"orders": orders,
		"clients": clients,
		"seconds": burst["seconds"],
		"throughput": orders / burst["seconds"] if burst["seconds"] else 0.0,
		"p50": percentile(latencies, 0.50),
		"p95": percentile(latencies, 0.95),
		"p99": percentile(latencies, 0.99),
		"max": max(latencies, default=0.0),
		"errors": errors,
		"error_count": len(burst["errors"]),
		"duplicates": duplicates,
		"stored": len(made),
		"missing": missing,
	}
	figures["deleted"] = bench.deleted
	ratio = figures["p99"] / figures["p50"] if figures["p50"] else 0.0
	verdict = (
		"ok"
		if not figures["error_count"] and not duplicates and not missing and ratio < P99_TARGET
		else "BELOW TARGET"
	)
	echo(
		f"Load: {orders} orders in {figures['seconds']:.1f} s ({figures['throughput']:.1f}/s); "
		f"latency p50 {figures['p50'] * 1000:.0f} ms, p95 {figures['p95'] * 1000:.0f} ms, "
		f"p99 {figures['p99'] * 1000:.0f} ms, max {figures['max'] * 1000:.0f} ms (p99/p50 {ratio:.1f})"
	)
	echo(
		f"Load: errors {figures['error_count']}{f' {errors}' if errors else ''}; stored {len(made)} orders, "
		f"duplicates {duplicates}, lost {missing}  {verdict}"
	)
	return figures
