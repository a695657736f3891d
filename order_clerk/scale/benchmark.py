"""Time the sales reports against hand-written SQL over the order lines, and the Excel import
against bulk_insert.

Each report runs through its execute() as Administrator and is set against one hand-written
GROUP BY over the orders and their lines that yields the same figures, for ranges from a week
to two years ending at the latest order date: the report reads the sales rollup and should be
at least TARGET_SPEEDUP times faster. Every pair's figures are compared, and the report is also
timed reading the lines itself (frappe.flags.oc_sales_from_lines). The Excel import of a workbook
of `import_lines` lines is set against frappe.db.bulk_insert of the same orders and lines.
Everything the benchmark writes is rolled back; it prints its findings and returns them.
"""

import datetime
import io
import time
import uuid
from functools import partial

import frappe
import openpyxl
from frappe.utils import flt, getdate, nowdate

from order_clerk import excel_sheets
from order_clerk.excel_import import import_workbook
from order_clerk.order_clerk.report.best_selling_products import best_selling_products
from order_clerk.order_clerk.report.order_statistics import order_statistics

TARGET_SPEEDUP = 10.0
IMPORT_TARGET = 0.25  # the import's rate against bulk_insert's
LINES_PER_ORDER = 10
# Orders the benchmark generates for itself end here, long before any real order.
GENERATED_UNTIL = "2000-12-31"
RANGES = (("week", 7), ("month", 30), ("quarter", 91), ("year", 365), ("2 years", 730))

ORDERS_BY_MONTH_AND_CUSTOMER = """
	select subdate(order_date, dayofmonth(order_date) - 1) as period, customer,
		count(*), sum(total_qty), sum(grand_total)
	from `tabOC Order`
	where docstatus = 1 and order_date between %(from_date)s and %(to_date)s
	group by period, customer
"""
ORDERS_BY_WEEK_AND_PRODUCT = """
	select subdate(o.order_date, weekday(o.order_date)) as period, i.product,
		count(distinct o.name), sum(i.qty), sum(i.amount)
	from `tabOC Order` o join `tabOC Order Item` i on i.parent = o.name and i.parenttype = 'OC Order'
	where o.docstatus = 1 and o.order_date between %(from_date)s and %(to_date)s
	group by period, i.product
"""
ORDERS_BY_QUARTER_AND_CHANNEL = """
	select makedate(year(order_date), 1) + interval quarter(order_date) - 1 quarter as period, channel,
		count(*), sum(total_qty), sum(grand_total)
	from `tabOC Order`
	where docstatus = 1 and order_date between %(from_date)s and %(to_date)s
	group by period, channel
"""
ORDERS_BY_DAY_AND_CLERK = """
	select order_date as period, owner, count(*), sum(total_qty), sum(grand_total)
	from `tabOC Order`
	where docstatus = 1 and order_date between %(from_date)s and %(to_date)s
	group by period, owner
"""
TOP_PRODUCTS = """
	select i.product, count(distinct o.name), sum(i.qty) as qty, sum(i.amount),
		sum(sum(i.qty)) over (), sum(sum(i.amount)) over (), count(*) over ()
	from `tabOC Order` o join `tabOC Order Item` i on i.parent = o.name and i.parenttype = 'OC Order'
	where o.docstatus = 1 and o.order_date between %(from_date)s and %(to_date)s
	group by i.product
	order by qty desc, i.product
	limit 20
"""

CASES = (
	("Order Statistics, monthly by customer", order_statistics, {"period": "Monthly", "group_by": "Customer"}, ORDERS_BY_MONTH_AND_CUSTOMER),
	("Order Statistics, weekly by product", order_statistics, {"period": "Weekly", "group_by": "Product"}, ORDERS_BY_WEEK_AND_PRODUCT),
	("Order Statistics, quarterly by channel", order_statistics, {"period": "Quarterly", "group_by": "Channel"}, ORDERS_BY_QUARTER_AND_CHANNEL),
	("Order Statistics, daily by clerk", order_statistics, {"period": "Daily", "group_by": "Clerk"}, ORDERS_BY_DAY_AND_CLERK),
	("Best-Selling Products, top 20 by quantity", best_selling_products, {"top_n": 20, "rank_by": "Quantity"}, TOP_PRODUCTS),
)  # fmt: skip


# A run this long is timed once: its noise is small beside it (the SQL of best sellers over a
# million lines takes minutes).
ONCE_AFTER_SECONDS = 20.0


def _best_time(function, repeat: int) -> tuple[float, object]:
	best, result = None, None
	for _ in range(repeat):
		started = time.perf_counter()
		result = function()
		elapsed = time.perf_counter() - started
		best = elapsed if best is None else min(best, elapsed)
		if elapsed > ONCE_AFTER_SECONDS:
			break
	return best, result


def _figures(rows) -> list[tuple]:
	"""Rows as comparable tuples: dates as dates, figures rounded to what the columns hold."""
	shaped = []
	for row in rows:
		values = []
		for value in row:
			if isinstance(value, datetime.datetime):
				value = value.date()
			elif isinstance(value, int | float) or type(value).__name__ == "Decimal":
				value = flt(value, 6)
			values.append(value)
		shaped.append(tuple(values))
	return shaped


def _report_figures(report, data: list[dict]) -> list[tuple]:
	if report is best_selling_products:
		keys = ("product", "order_count", "qty", "amount")
	else:
		keys = ("period_start", "group_value", "order_count", "qty", "amount")
	return _figures([row[key] for key in keys] for row in data)


def _report_from_lines(report, filters: dict):
	frappe.flags.oc_sales_from_lines = True
	try:
		return report.execute(filters)
	finally:
		frappe.flags.oc_sales_from_lines = False


def run(import_lines: int = 10_000, repeat: int = 3, echo=print, last_day=None, reports: str = "") -> dict:
	"""Time every case (those whose label contains `reports`) over ranges ending on `last_day`
	(the latest approved order's date)."""
	frappe.set_user("Administrator")
	if not last_day:
		last_day = frappe.db.sql("select max(order_date) from `tabOC Order` where docstatus = 1")[0][0]
	last_day = getdate(last_day or nowdate())
	first_day = last_day - datetime.timedelta(days=RANGES[-1][1] - 1)
	orders, lines = frappe.db.sql(
		"""select count(distinct o.name), count(*) from `tabOC Order` o
		join `tabOC Order Item` i on i.parent = o.name and i.parenttype = 'OC Order'
		where o.docstatus = 1 and o.order_date between %s and %s""",
		(first_day, last_day),
	)[0]
	echo(f"Data: {orders} approved orders with {lines} lines from {first_day} to {last_day}.")
	echo(
		f"{'report':<42} {'range':>8} {'rows':>6} {'report s':>9} {'SQL s':>8} {'speedup':>8} "
		f"{'from lines s':>12}  target >= {TARGET_SPEEDUP:g}x, same figures"
	)
	findings = {"reports": [], "import": None}
	for label, report, filters, sql in CASES:
		if reports.lower() not in label.lower():
			continue
		for range_label, days in RANGES:
			date_range = {"from_date": last_day - datetime.timedelta(days=days - 1), "to_date": last_day}
			report_filters = {**date_range, **filters}
			# Warm up: the first run also loads metadata, which no later run pays for.
			report.execute(dict(report_filters))
			report_time, result = _best_time(partial(report.execute, dict(report_filters)), repeat)
			sql_time, rows = _best_time(partial(frappe.db.sql, sql, date_range), repeat)
			lines_time, from_lines = _best_time(partial(_report_from_lines, report, dict(report_filters)), 1)
			expected = _figures(row[:4] if report is best_selling_products else row for row in rows)
			same = sorted(_report_figures(report, result[1]), key=str) == sorted(expected, key=str)
			same = same and result[1] == from_lines[1]
			speedup = sql_time / report_time if report_time else float("inf")
			verdict = ("ok" if speedup >= TARGET_SPEEDUP else "BELOW TARGET") + (
				", same" if same else ", FIGURES DIFFER"
			)
			echo(
				f"{label:<42} {range_label:>8} {len(rows):>6} {report_time:>9.4f} {sql_time:>8.4f} "
				f"{speedup:>7.1f}x {lines_time:>12.4f}  {verdict}"
			)
			findings["reports"].append(
				{
					"report": label,
					"range": range_label,
					"rows": len(rows),
					"report_s": report_time,
					"sql_s": sql_time,
					"from_lines_s": lines_time,
					"speedup": speedup,
					"same": same,
				}
			)
	if import_lines > 0:
		findings["import"] = benchmark_import(import_lines, echo)
	return findings


def benchmark_import(line_count: int, echo=print) -> dict:
	customers = frappe.get_all("OC Customer", filters={"disabled": 0}, pluck="name", limit=20)
	products = frappe.get_all("OC Product", filters={"disabled": 0}, pluck="name", limit=50)
	if not customers or not products:
		echo("Excel import: skipped, the site has no customers or products.")
		return None
	orders = _orders_to_import(line_count, customers, products)
	content = _workbook(orders)

	frappe.db.savepoint("benchmark_import")
	# Warm up, as a running server is: the first import loads the modules and metadata it uses.
	import_workbook(_workbook(_orders_to_import(LINES_PER_ORDER, customers, products)), "warm-up.xlsx")
	frappe.db.rollback(save_point="benchmark_import")
	started = time.perf_counter()
	result = import_workbook(content, "benchmark.xlsx")
	import_time = time.perf_counter() - started
	frappe.db.rollback(save_point="benchmark_import")
	if result["status"] != "Imported":
		echo(f"Excel import failed: {result['errors'][:3]}")
		return None

	started = time.perf_counter()
	_bulk_insert(orders)
	bulk_time = time.perf_counter() - started
	frappe.db.rollback(save_point="benchmark_import")

	ratio = import_time / bulk_time if bulk_time else float("inf")
	rate_ratio = bulk_time / import_time
	echo(
		f"Excel import of {line_count} lines: {import_time:.2f} s ({line_count / import_time:.0f} lines/s); "
		f"bulk_insert of the same rows: {bulk_time:.2f} s ({line_count / bulk_time:.0f} lines/s); "
		f"ratio {ratio:.1f}, the import at {rate_ratio:.2f}x the bulk_insert rate "
		f"({'ok' if rate_ratio >= IMPORT_TARGET else 'BELOW TARGET'} >= {IMPORT_TARGET:g}x)"
	)
	return {
		"lines": line_count,
		"import_s": import_time,
		"bulk_insert_s": bulk_time,
		"ratio": ratio,
		"rate_ratio": rate_ratio,
	}


def _orders_to_import(line_count: int, customers: list[str], products: list[str]) -> list[dict]:
	token = uuid.uuid4().hex[:8]
	orders = []
	for index in range(0, line_count, LINES_PER_ORDER):
		lines = [
			{"product": products[(index + n) % len(products)], "qty": 10 + n, "rate": 20 + n}
			for n in range(min(LINES_PER_ORDER, line_count - index))
		]
		orders.append(
			{
				"external_ref": f"BENCH-{token}-{index // LINES_PER_ORDER:06d}",
				"customer": customers[index // LINES_PER_ORDER % len(customers)],
				"delivery_date": getdate(nowdate()),
				"lines": lines,
			}
		)
	return orders


def _workbook(orders: list[dict]) -> bytes:
	workbook = openpyxl.Workbook()
	sheet = workbook.active
	sheet.title = excel_sheets.ORDERS_SHEET
	sheet.append(["external_ref", "customer", "delivery_date"])
	lines = workbook.create_sheet(excel_sheets.LINES_SHEET)
	lines.append(["external_ref", "product", "qty", "rate"])
	for order in orders:
		sheet.append([order["external_ref"], order["customer"], order["delivery_date"]])
		for line in order["lines"]:
			lines.append([order["external_ref"], line["product"], line["qty"], line["rate"]])
	buffer = io.BytesIO()
	workbook.save(buffer)
	return buffer.getvalue()


def _bulk_insert(orders: list[dict]):
	now = frappe.utils.now_datetime()
	user = frappe.session.user
	order_rows, item_rows = [], []
	for order in orders:
		name = f"{order['external_ref']}-B"
		order_rows.append(
			(name, now, now, user, user, "Excel Import", order["external_ref"], order["customer"],
			 getdate(nowdate()), order["delivery_date"], "Draft", "Draft")
		)  # fmt: skip
		for idx, line in enumerate(order["lines"], start=1):
			item_rows.append(
				(f"{name}-{idx}", now, now, user, user, name, "OC Order", "items", idx, line["product"],
				 line["qty"], line["rate"], line["qty"] * line["rate"])
			)  # fmt: skip
	frappe.db.bulk_insert(
		"OC Order",
		["name", "creation", "modified", "owner", "modified_by", "channel", "external_ref", "customer",
		 "order_date", "delivery_date", "workflow_state", "status"],
		order_rows,
	)  # fmt: skip
	frappe.db.bulk_insert(
		"OC Order Item",
		["name", "creation", "modified", "owner", "modified_by", "parent", "parenttype", "parentfield",
		 "idx", "product", "qty", "rate", "amount"],
		item_rows,
	)  # fmt: skip
