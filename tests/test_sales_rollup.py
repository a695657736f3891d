"""The sales rollup stays exact however an order changes, and the reports read the same figures.

Each test puts its orders on order dates of its own, far in the past, and compares the rollup
rows of those dates at every grain with figures computed here in Python from the approved
orders and their lines.
"""

import datetime
import random
import threading
from collections import defaultdict

import frappe
import pytest
from frappe.utils import add_days, flt, getdate

from order_clerk import sales_rollup
from order_clerk.order_clerk.report.best_selling_products import best_selling_products
from order_clerk.order_clerk.report.order_statistics import order_statistics
from tests.conftest import SITE
from tests.test_archive import finished_order, gathered_record
from tests.utils import (
	Api,
	act,
	make_api_user,
	make_customer,
	make_product,
	make_warehouse,
	order_payload,
	receive_stock,
	server_messages,
	unique,
)


def own_days(count: int = 1, from_month_end: bool = False) -> list[datetime.date]:
	"""Order dates no other test uses: consecutive days somewhere in 2001-2019 (from the last day
	of a month, if asked), in months (and the weeks around them) that hold no order yet, so that
	their week and month rows are this test's alone."""
	while True:
		start = datetime.date(2001, 1, 1) + datetime.timedelta(days=random.randrange(19 * 365))
		if from_month_end:
			start = sales_rollup.span_end(sales_rollup.span_start(start, "Month"), "Month")
		days = [start + datetime.timedelta(days=n) for n in range(count)]
		first, last = span_days(days)[0], span_days(days)[-1]
		if not frappe.db.exists("OC Order", {"order_date": ("between", (first, last))}):
			return days


def span_days(days: list[datetime.date]) -> list[datetime.date]:
	"""Every day of the weeks and months that hold `days`: the days their rollup rows sum."""
	covered = set()
	for day in days:
		for span in sales_rollup.SPANS:
			start = sales_rollup.span_start(day, span)
			end = sales_rollup.span_end(start, span)
			covered.update(start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
	return sorted(covered)


def span_keys(days: list[datetime.date]) -> set[tuple]:
	"""(span, day) of the rollup rows holding `days`."""
	return {(span, sales_rollup.span_start(day, span)) for day in days for span in sales_rollup.SPANS}


def expected_rollup(days: list[datetime.date], customer: str | None = None) -> dict:
	"""{(grain, span, day, customer, product, channel, clerk): (orders, qty, amount)} of the rows
	holding `days`, computed here from the orders; only the rows of the grains with a customer,
	for `customer`, when given."""
	orders = frappe.get_all(
		"OC Order",
		filters={
			"docstatus": 1,
			"order_date": ("in", span_days(days)),
			**({"customer": customer} if customer else {}),
		},
		fields=["name", "order_date", "customer", "channel", "owner", "total_qty", "grand_total"],
	)
	lines = defaultdict(list)
	for line in frappe.get_all(
		"OC Order Item",
		filters={"parenttype": "OC Order", "parent": ("in", [o.name for o in orders] or [""])},
		fields=["parent", "product", "qty", "amount"],
	):
		lines[line.parent].append(line)
	figures = defaultdict(lambda: [set(), 0.0, 0.0])
	for order in orders:
		values = {"customer": order.customer, "channel": order.channel, "clerk": order.owner}
		for grain in sales_rollup.GRAINS:
			for span in sales_rollup.spans_of(grain):
				day = sales_rollup.span_start(getdate(order.order_date), span)
				order_lines = lines[order.name] if "product" in grain else [None]
				for line in order_lines:
					key = _key(grain, span, day, {**values, "product": line.product if line else ""})
					figures[key][0].add(order.name)
					figures[key][1] += flt(line.qty if line else order.total_qty)
					figures[key][2] += flt(line.amount if line else order.grand_total)
	wanted = span_keys(days)
	return {
		key: (len(names), flt(qty, 6), flt(amount, 6))
		for key, (names, qty, amount) in figures.items()
		if key[1:3] in wanted and (not customer or key[3] == customer)
	}


def _key(grain: tuple, span: str, day, values: dict) -> tuple:
	return (
		sales_rollup.grain_name(grain),
		span,
		getdate(day),
		*(values[d] if d in grain else "" for d in sales_rollup.DIMENSIONS),
	)


def rollup_rows(days: list[datetime.date], customer: str | None = None) -> dict:
	"""The rollup rows holding `days` (by day, week and month); only those of `customer` when given."""
	rows = frappe.get_all(
		"OC Sales Rollup",
		filters={"day": ("in", span_days(days)), **({"customer": customer} if customer else {})},
		fields=["grain", "span", "day", "customer", "product", "channel", "clerk", "orders", "qty", "amount"],
	)
	wanted = span_keys(days)
	return {
		(r.grain, r.span, getdate(r.day), r.customer, r.product, r.channel, r.clerk): (
			r.orders,
			flt(r.qty, 6),
			flt(r.amount, 6),
		)
		for r in rows
		if (r.span, getdate(r.day)) in wanted
	}


def day_rows(days: list[datetime.date], customer: str | None = None) -> dict:
	"""The rollup rows by day of `days`, keyed without the span."""
	return {
		(key[0], *key[2:]): figures
		for key, figures in rollup_rows(days, customer).items()
		if key[1] == sales_rollup.DAY
	}


def assert_exact(days: list[datetime.date], customer: str | None = None):
	assert rollup_rows(days, customer) == expected_rollup(days, customer)


def new_order(people, customer, day, lines, channel="Phone", clerk="clerk"):
	frappe.set_user(people[clerk])
	doc = frappe.get_doc(
		order_payload(
			customer,
			lines[0][0],
			channel=channel,
			external_ref=unique("ROLLUP"),
			order_date=day,
			delivery_date=add_days(day, 10),
			items=[{"product": product, "qty": qty, "rate": rate} for product, qty, rate in lines],
		)
	).insert()
	act(doc.name, "Submit for Review")
	frappe.set_user("Administrator")
	return doc.name


def approve(people, name):
	frappe.set_user(people.reviewer)
	act(name, "Approve")
	frappe.set_user("Administrator")


def cancel(people, name):
	frappe.set_user(people.reviewer)
	frappe.get_doc("OC Order", name).cancel()
	frappe.set_user("Administrator")


@pytest.fixture
def masters():
	return frappe._dict(
		customers=[make_customer(), make_customer()],
		products=[make_product(rate=12.5), make_product(rate=100), make_product(rate=33.25)],
	)


def test_approval_adds_every_grain(people, masters):
	days = own_days(2)
	x, y, z = masters.products
	a, b = masters.customers
	# The same product twice in one order counts the order once for that product.
	first = new_order(people, a, days[0], [(x, 10, 12.5), (y, 2, 100), (x, 3, 12.5)])
	second = new_order(people, b, days[0], [(x, 1, 12.5)], channel="Email", clerk="clerk2")
	third = new_order(people, a, days[1], [(z, 8, 33.25)])
	assert rollup_rows(days) == {}
	for name in (first, second, third):
		approve(people, name)
	assert_exact(days)
	rows = day_rows(days)
	assert rows[("product", days[0], "", x, "", "")] == (2, 14.0, 175.0)
	assert rows[("total", days[0], "", "", "", "")] == (2, 16.0, 375.0)
	assert len([key for key in rows if key[0] == "customer+product+channel+clerk"]) == 4
	# The month's row sums the days; the finest grains are kept by day only.
	month = sales_rollup.span_start(days[0], "Month")
	if month == sales_rollup.span_start(days[1], "Month"):
		assert rollup_rows(days)[("total", "Month", month, "", "", "", "")] == (3, 24.0, 641.0)
	assert {key[1] for key in rollup_rows(days) if key[0] == "customer+product+channel+clerk"} == {"Day"}
	assert {key[1] for key in rollup_rows(days) if key[0] == "product"} == {"Day", "Week", "Month"}


def test_unapproved_orders_are_not_in_the_rollup(people, masters):
	days = own_days()
	customer, product = masters.customers[0], masters.products[0]
	new_order(people, customer, days[0], [(product, 5, 12.5)])
	frappe.set_user(people.clerk)
	frappe.get_doc(order_payload(customer, product, order_date=days[0], delivery_date=days[0])).insert()
	frappe.set_user("Administrator")
	assert rollup_rows(days) == {}


def test_cancellation_subtracts_and_leaves_no_empty_rows(people, masters):
	days = own_days()
	x, y, _z = masters.products
	a, b = masters.customers
	kept = new_order(people, a, days[0], [(x, 4, 12.5)])
	cancelled = new_order(people, b, days[0], [(x, 6, 12.5), (y, 1, 100)], channel="Fax")
	approve(people, kept)
	approve(people, cancelled)
	assert_exact(days)
	cancel(people, cancelled)
	assert_exact(days)
	rows = rollup_rows(days)
	assert all(figures[0] > 0 for figures in rows.values())
	assert {key for key in rows if key[5] == "Fax"} == set()
	assert day_rows(days)[("total", days[0], "", "", "", "")] == (1, 4.0, 50.0)
	month = sales_rollup.span_start(days[0], "Month")
	assert rows[("total", "Month", month, "", "", "", "")] == (1, 4.0, 50.0)
	cancel(people, kept)
	assert rollup_rows(days) == {}


def test_amended_and_reapproved_order_replaces_the_cancelled_one(people, masters):
	days = own_days(3)
	x, y, _z = masters.products
	name = new_order(people, masters.customers[0], days[0], [(x, 4, 12.5), (y, 1, 100)])
	approve(people, name)
	cancel(people, name)
	frappe.set_user(people.clerk)
	amended = frappe.copy_doc(frappe.get_doc("OC Order", name))
	amended.amended_from = name
	amended.workflow_state = None
	# copy_doc keeps the approved order's number (order_no is not no_copy); a new one comes on approval.
	amended.order_no = None
	amended.order_date = days[2]
	amended.delivery_date = add_days(days[2], 5)
	amended.items[0].qty = 9
	amended.insert()
	act(amended.name, "Submit for Review")
	assert rollup_rows(days) == {}
	approve(people, amended.name)
	assert_exact(days)
	rows = day_rows(days)
	assert {key[1] for key in rows} == {days[2]}
	assert rows[("total", days[2], "", "", "", "")] == (1, 10.0, 212.5)


def test_an_amendment_into_another_month_moves_the_figures_between_months(people, masters):
	days = own_days(2, from_month_end=True)
	old_month, new_month = (sales_rollup.span_start(day, "Month") for day in days)
	x, y, _z = masters.products
	kept = new_order(people, masters.customers[1], days[0], [(y, 1, 100)])
	name = new_order(people, masters.customers[0], days[0], [(x, 4, 12.5), (y, 1, 100)])
	approve(people, kept)
	approve(people, name)
	assert rollup_rows(days)[("total", "Month", old_month, "", "", "", "")] == (2, 6.0, 250.0)
	cancel(people, name)
	frappe.set_user(people.clerk)
	amended = frappe.copy_doc(frappe.get_doc("OC Order", name))
	amended.amended_from = name
	amended.workflow_state = None
	amended.order_no = None
	amended.order_date = days[1]
	amended.delivery_date = add_days(days[1], 5)
	amended.insert()
	act(amended.name, "Submit for Review")
	approve(people, amended.name)
	assert_exact(days)
	rows = rollup_rows(days)
	assert rows[("total", "Month", old_month, "", "", "", "")] == (1, 1.0, 100.0)
	assert rows[("total", "Month", new_month, "", "", "", "")] == (1, 5.0, 150.0)
	assert ("product", "Month", old_month, "", x, "", "") not in rows
	assert rows[("product", "Month", new_month, "", x, "", "")] == (1, 4.0, 50.0)


def test_a_failed_approval_leaves_the_rollup_as_it_was(people, masters):
	days = own_days()
	x = masters.products[0]
	approved = new_order(people, masters.customers[0], days[0], [(x, 2, 12.5)])
	approve(people, approved)
	before = rollup_rows(days)
	pending = new_order(people, masters.customers[0], days[0], [(x, 3, 12.5)])
	# Refused before it is written: the maker may not approve their own order.
	frappe.set_user(people.clerk)
	with pytest.raises((frappe.ValidationError, frappe.PermissionError)):
		act(pending, "Approve")
	frappe.set_user("Administrator")
	assert rollup_rows(days) == before
	# Failing after it is written: the rollup rows are part of the approval's transaction.
	frappe.db.savepoint("approval")
	approve(people, pending)
	assert day_rows(days)[("total", days[0], "", "", "", "")] == (2, 5.0, 62.5)
	week = sales_rollup.span_start(days[0], "Week")
	assert rollup_rows(days)[("customer", "Week", week, masters.customers[0], "", "", "")][0] == 2
	frappe.db.rollback(save_point="approval")
	assert frappe.db.get_value("OC Order", pending, "docstatus") == 0
	assert rollup_rows(days) == before
	assert_exact(days)


def test_a_sealed_archive_keeps_the_rollup(people, served_site):
	world = frappe._dict(warehouse=make_warehouse(), customer=make_customer(), product=make_product(rate=50))
	frappe.set_user(people.warehouse)
	receive_stock(world.warehouse, world.product, 10)
	done = finished_order(world, people)
	record = gathered_record(done.order, people)
	frappe.set_user(people.reviewer)
	frappe.get_doc("OC Archive Record", record.name).submit()
	# The order is dated today, shared with other tests: compare the rows of its own customer.
	days = [getdate(frappe.db.get_value("OC Order", done.order, "order_date"))]
	assert_exact(days, customer=world.customer)
	sealed = rollup_rows(days, customer=world.customer)
	for span in sales_rollup.SPANS:
		key = ("customer", span, sales_rollup.span_start(days[0], span), world.customer, "", "", "")
		assert sealed[key] == (1, 4.0, 200.0)
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc("OC Order", done.order).cancel()
	frappe.set_user("Administrator")
	assert rollup_rows(days, customer=world.customer) == sealed


def test_renaming_a_clerk_moves_their_figures(people, masters):
	days = own_days()
	email = f"{unique('rollup-clerk').lower()}@test.example.com"
	frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Rollup Clerk",
			"send_welcome_email": 0,
			"roles": [{"role": "Order Clerk"}],
		}
	).insert(ignore_permissions=True)
	staff = frappe._dict(people, temporary=email)
	name = new_order(
		staff, masters.customers[0], days[0], [(masters.products[0], 2, 12.5)], clerk="temporary"
	)
	approve(people, name)
	renamed = f"renamed-{email}"
	frappe.rename_doc("User", email, renamed)
	assert frappe.db.get_value("OC Order", name, "owner") == renamed
	assert_exact(days)
	assert ("clerk", days[0], "", "", "", renamed) in day_rows(days)
	month = sales_rollup.span_start(days[0], "Month")
	assert ("clerk", "Month", month, "", "", "", renamed) in rollup_rows(days)
	assert not [key for key in rollup_rows(days) if email in key]


def test_rebuild_gives_the_same_rows(people, masters):
	days = own_days()
	x, y, _z = masters.products
	approve(people, new_order(people, masters.customers[0], days[0], [(x, 2, 12.5), (y, 1, 100)]))
	kept = rollup_rows(days)
	sales_rollup.rebuild()
	assert rollup_rows(days) == kept
	assert_exact(days)


# the reports read the same figures as from the lines

REPORT_CASES = [
	(order_statistics, {"period": period, "group_by": group})
	for period in ("Daily", "Weekly", "Monthly", "Quarterly")
	for group in ("Channel", "Customer", "Clerk", "Product")
] + [(best_selling_products, {"rank_by": rank, "top_n": 5}) for rank in ("Quantity", "Amount")]


def test_reports_from_the_rollup_equal_those_from_the_lines(people, masters):
	# Four months and more: ranges read months, weeks and days of the rollup.
	days = own_days(130)
	x, y, z = masters.products
	a, b = masters.customers
	for offset, customer, channel, clerk, lines, state in (
		(0, a, "Phone", "clerk", [(x, 10, 12.5), (y, 2, 100)], "Approved"),
		(3, b, "Email", "clerk2", [(x, 4, 12.5)], "Approved"),
		(9, a, "Phone", "clerk2", [(z, 8, 33.25), (x, 1, 12.5)], "Approved"),
		(9, b, "Fax", "clerk", [(y, 3, 100)], "Cancelled"),
		(20, a, "Phone", "clerk", [(y, 5, 100)], "Pending Review"),
		(35, b, "Sales Rep", "clerk", [(z, 2, 33.25), (z, 1, 33.25)], "Approved"),
		(47, a, "Email", "clerk", [(x, 7, 12.5)], "Approved"),
		(61, b, "Phone", "clerk2", [(y, 1, 100), (z, 3, 33.25)], "Approved"),
		(62, a, "Phone", "clerk", [(z, 6, 33.25)], "Approved"),
		(75, a, "Fax", "clerk2", [(x, 2, 12.5)], "Cancelled"),
		(90, b, "Email", "clerk", [(x, 9, 12.5), (y, 4, 100)], "Approved"),
		(104, a, "Phone", "clerk2", [(y, 2, 100)], "Approved"),
		(118, b, "Sales Rep", "clerk", [(z, 5, 33.25)], "Approved"),
		(129, a, "Phone", "clerk", [(x, 1, 12.5)], "Approved"),
	):
		name = new_order(people, customer, days[offset], lines, channel=channel, clerk=clerk)
		if state != "Pending Review":
			approve(people, name)
		if state == "Cancelled":
			cancel(people, name)
	first_month = sales_rollup.span_end(sales_rollup.span_start(days[0], "Month"), "Month") + ONE_DAY
	last_month_end = sales_rollup.span_start(days[-1], "Month") - ONE_DAY
	ranges = ((days[1], days[-1]), (first_month, last_month_end), (days[5], days[100]), (days[9], days[9]))
	for from_date, to_date in ranges:
		base = {"from_date": from_date, "to_date": to_date, "customer": None}
		for extra in ({}, {"customer": a}, {"product": z}, {"channel": "Phone"}, {"clerk": people.clerk2}):
			for report, filters in REPORT_CASES:
				if report is best_selling_products and "product" in extra:
					continue
				filters = {**base, **filters, **extra}
				from_rollup = report.execute(dict(filters))
				frappe.flags.oc_sales_from_lines = True
				try:
					from_lines = report.execute(dict(filters))
				finally:
					frappe.flags.oc_sales_from_lines = False
				assert from_rollup[1] == from_lines[1], filters
				assert from_rollup[3] == from_lines[3], filters
				assert from_rollup[4] == from_lines[4], filters
				assert from_rollup[1], filters


ONE_DAY = datetime.timedelta(days=1)


def test_the_reports_read_the_rollup(people, masters):
	days = own_days()
	x = masters.products[0]
	approve(people, new_order(people, masters.customers[0], days[0], [(x, 2, 12.5)]))
	filters = {"from_date": days[0], "to_date": days[0], "period": "Daily", "group_by": "Channel"}
	assert order_statistics.execute(dict(filters))[1][0]["qty"] == 2
	# A change to the rollup alone shows in the report: it is what the report reads.
	frappe.db.sql("update `tabOC Sales Rollup` set qty = qty + 1 where day = %s and span = 'Day'", days[0])
	assert order_statistics.execute(dict(filters))[1][0]["qty"] == 3
	assert best_selling_products.execute(dict(filters))[1][0]["qty"] == 3


def test_whole_months_are_read_from_the_monthly_rows(people, masters):
	days = own_days()
	x = masters.products[0]
	approve(people, new_order(people, masters.customers[0], days[0], [(x, 2, 12.5)]))
	month = sales_rollup.span_start(days[0], "Month")
	whole_month = {"from_date": month, "to_date": sales_rollup.span_end(month, "Month")}
	statistics = {**whole_month, "period": "Monthly", "group_by": "Customer"}
	assert order_statistics.execute(dict(statistics))[1][0]["qty"] == 2
	frappe.db.sql("update `tabOC Sales Rollup` set qty = qty + 1 where day = %s and span = 'Month'", month)
	assert order_statistics.execute(dict(statistics))[1][0]["qty"] == 3
	assert order_statistics.execute(dict(statistics, period="Quarterly"))[1][0]["qty"] == 3
	assert best_selling_products.execute(dict(whole_month))[1][0]["qty"] == 3
	# Days and weeks are not read from the month: only the days themselves.
	assert order_statistics.execute(dict(statistics, period="Weekly"))[4][1]["value"] == 2
	assert order_statistics.execute(dict(statistics, period="Daily"))[4][1]["value"] == 2


# concurrent approvals through the real server


@pytest.mark.rest
def test_concurrent_rest_approvals_add_up(people, server):
	days = own_days()
	customer = make_customer()
	products = [make_product(rate=10), make_product(rate=20)]
	names = [
		new_order(people, customer, days[0], [(products[0], n + 1, 10), (products[1], 1, 20)])
		for n in range(6)
	]
	frappe.db.commit()  # seen by the server process
	# Reviewers of this test's own: the shared test users' keys are renewed by every session.
	reviewers = [
		Api(server, SITE, *make_api_user(unique("rollup-reviewer").lower(), ["Order Reviewer"]))
		for _ in range(2)
	]
	frappe.db.commit()  # seen by the server process
	results = {}

	def approve_over_rest(index, name):
		results[name] = reviewers[index % 2].apply(name, "Approve")

	# Two at a time, on the same rollup rows.
	for pair in (names[0:2], names[2:4], names[4:6]):
		threads = [threading.Thread(target=approve_over_rest, args=(i, n)) for i, n in enumerate(pair)]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join()
	for name, response in results.items():
		assert response.status_code == 200, (name, server_messages(response))
	frappe.db.rollback()  # a fresh snapshot: what the server committed
	assert frappe.db.count("OC Order", {"name": ("in", names), "docstatus": 1}) == 6
	assert_exact(days)
	for span in sales_rollup.SPANS:
		key = ("total", span, sales_rollup.span_start(days[0], span), "", "", "", "")
		assert rollup_rows(days)[key] == (6, 27.0, 330.0)
