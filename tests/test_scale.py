"""The data generator and the benchmark, at a tiny size (no timings are asserted)."""

import os
import re
import subprocess
import sys

import frappe

from order_clerk.scale import benchmark, generator
from tests.conftest import SITE, SITES_PATH


def test_generator_makes_consistent_approved_orders():
	made = generator.generate(40, 130, years=1, seed=11, echo=lambda _text: None, until="1998-06-30")
	names = made["names"]
	assert (made["orders"], made["lines"], len(names), len(set(names))) == (40, 130, 40, 40)
	orders = frappe.get_all(
		"OC Order",
		filters={"name": ("in", names)},
		fields=["name", "docstatus", "workflow_state", "order_no", "total_qty", "grand_total", "intake_key"],
	)
	assert len(orders) == 40
	lines = frappe.get_all(
		"OC Order Item",
		filters={"parent": ("in", names)},
		fields=["parent", "sum(qty) as qty", "sum(amount) as amount", "count(*) as line_count"],
		group_by="parent",
	)
	assert sum(row.line_count for row in lines) == 130
	totals = {row.parent: (row.qty, row.amount) for row in lines}
	for order in orders:
		assert (order.total_qty, order.grand_total) == (
			totals[order.name][0],
			frappe.utils.flt(totals[order.name][1], 2),
		), order.name
		if order.docstatus == 1:
			assert order.workflow_state == "Approved"
			assert re.fullmatch(r"SO-\d{4}-\d{5,}", order.order_no), order.order_no
			assert order.intake_key
	assert len({o.order_no for o in orders if o.order_no}) == len([o for o in orders if o.order_no])
	# The approved ones are in the sales rollup.
	approved = [o for o in orders if o.docstatus == 1]
	rollup = frappe.db.sql(
		"""select sum(orders), sum(qty), sum(amount) from `tabOC Sales Rollup`
		where grain = 'total' and span = 'Day' and day between '1997-01-01' and '1998-06-30'"""
	)[0]
	assert (rollup[0], frappe.utils.flt(rollup[1], 3), frappe.utils.flt(rollup[2], 2)) == (
		len(approved),
		frappe.utils.flt(sum(o.total_qty for o in approved), 3),
		frappe.utils.flt(sum(o.grand_total for o in approved), 2),
	)
	# Their weeks and months sum the same days.
	by_span = frappe.db.sql(
		"""select span, sum(orders), sum(qty), sum(amount) from `tabOC Sales Rollup`
		where grain = 'product' and day between '1996-12-01' and '1998-06-30' group by span"""
	)
	assert len({tuple(row[1:]) for row in by_span}) == 1 and len(by_span) == 3, by_span
	# Generated orders hold what the controller would have computed, and the seven facts.
	for order in orders:
		doc = frappe.get_doc("OC Order", order.name)
		stored = (doc.total_qty, doc.grand_total)
		doc.set_totals()
		assert (doc.total_qty, frappe.utils.flt(doc.grand_total, 2)) == stored
		assert doc.get_missing_facts() == []


def test_benchmark_runs_and_prints_its_ratios():
	# Dated long ago: the ranges hold these orders only, whatever else the site holds.
	generator.generate(20, 50, seed=5, echo=lambda _text: None, until="1996-06-30")
	printed = []
	findings = benchmark.run(import_lines=25, repeat=1, echo=printed.append, last_day="1996-06-30")
	assert [(f["report"], f["range"]) for f in findings["reports"]] == [
		(case[0], range_label) for case in benchmark.CASES for range_label, _days in benchmark.RANGES
	]
	# Each report's figures equal those of the hand-written SQL over the lines.
	assert all(f["same"] for f in findings["reports"]), findings["reports"]
	for case in benchmark.CASES:
		for range_label, _days in benchmark.RANGES:
			assert any(
				re.match(
					rf"{re.escape(case[0])}\s+{range_label}\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+x\s+[\d.]+"
					r"\s+(ok|BELOW TARGET), same$",
					line,
				)
				for line in printed
			), (case[0], range_label)
	assert findings["import"]["lines"] == 25
	assert re.search(
		r"Excel import of 25 lines: .* ratio [\d.]+, the import at [\d.]+x the bulk_insert rate "
		r"\((ok|BELOW TARGET) >= 0.25x\)$",
		printed[-1],
	)
	# The import it timed was rolled back.
	assert not frappe.db.exists("OC Order", {"external_ref": ("like", "BENCH-%")})


def test_bench_commands_are_registered():
	python = sys.executable
	for command in (
		"order-clerk-generate",
		"order-clerk-benchmark",
		"order-clerk-rebuild-rollup",
		"order-clerk-load",
	):
		completed = subprocess.run(
			[python, "-m", "frappe.utils.bench_helper", "frappe", "--site", SITE, command, "--help"],
			cwd=SITES_PATH,
			capture_output=True,
			text=True,
			timeout=120,
			env={**os.environ},
		)
		assert completed.returncode == 0, completed.stderr
		assert "Usage:" in completed.stdout
		assert command in completed.stdout


def test_rest_intake_benchmark_prints_its_ratios():
	from order_clerk.scale import intake_bench

	printed = []
	findings = intake_bench.run(requests_per_case=6, echo=printed.append, workers=2)
	assert [case["clients"] for case in findings["cases"]] == [1, 4]
	for case in findings["cases"]:
		assert case["errors"] == [], case
		assert case["ratio"] == case["order_rate"] / case["todo_rate"] > 0
	for clients, label in ((1, "1 client"), (4, "4 clients")):
		assert any(
			re.fullmatch(
				rf"REST intake, {label}: 10-line order [\d.]+/s, ToDo [\d.]+/s, ratio [\d.]+, errors 0"
				r"  (ok|BELOW TARGET)",
				line,
			)
			for line in printed
		), (clients, printed)
	# What the run made is gone, and its clerk holds no API key any more.
	assert_cleaned_up(findings["token"], findings["deleted"])


def test_load_burst_reports_latency_errors_and_duplicates():
	from order_clerk.scale import load

	printed = []
	figures = load.run(orders=20, clients=4, echo=printed.append, workers=2)
	assert (figures["orders"], figures["error_count"], figures["errors"]) == (20, 0, {})
	# Every order of the burst was stored once: none twice, none lost.
	assert (figures["stored"], figures["duplicates"], figures["missing"]) == (20, 0, 0)
	assert 0 < figures["p50"] <= figures["p95"] <= figures["p99"] <= figures["max"]
	assert re.fullmatch(
		r"Load: 20 orders in [\d.]+ s \([\d.]+/s\); latency p50 \d+ ms, p95 \d+ ms, p99 \d+ ms, "
		r"max \d+ ms \(p99/p50 [\d.]+\)",
		printed[-2],
	), printed
	assert re.fullmatch(
		r"Load: errors 0; stored 20 orders, duplicates 0, lost 0  (ok|BELOW TARGET)", printed[-1]
	), printed
	assert_cleaned_up(figures["token"], figures["deleted"])


def assert_cleaned_up(token: str, deleted: list[str]):
	from order_clerk.scale.intake_bench import BENCH_CLERK, MARK

	frappe.db.rollback()  # read what the run committed
	assert not frappe.db.exists("OC Order", {"external_ref": ("like", f"BENCH-{token}-%")})
	assert deleted and not frappe.get_all(
		"Workflow Action", filters={"reference_doctype": "OC Order", "reference_name": ("in", deleted)}
	)
	assert not frappe.db.exists("ToDo", {"description": ("like", f"%{MARK} {token} %")})
	assert not frappe.db.get_value("User", BENCH_CLERK, "api_key")
