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


def own_days(count: int = 1) -> list[datetime.date]:
	"""Order dates no other test uses: consecutive days somewhere in 2001-2019."""
	start = datetime.date(2001, 1, 1) + datetime.timedelta(days=random.randrange(19 * 365))
	return [start + datetime.timedelta(days=n) for n in range(count)]


def expected_rollup(days: list[datetime.date], customer: str | None = None) -> dict:
	"""{(grain, day, customer, product, channel, clerk): (orders, qty, amount)} from the orders;
	only the rows of the grains with a customer, for `customer`, when given."""
	orders = frappe.get_all(
		"OC Order",
		filters={"docstatus": 1, "order_date": ("in", days), **({"customer": customer} if customer else {})},
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
		for grain in sales_rollup.ORDER_GRAINS:
			key = _key(grain, order.order_date, {**values, "product": ""})
			figures[key][0].add(order.name)
			figures[key][1] += flt(order.total_qty)
			figures[key][2] += flt(order.grand_total)
		for line in lines[order.name]:
			for grain in sales_rollup.PRODUCT_GRAINS:
				key = _key(grain, order.order_date, {**values, "product": line.product})
				figures[key][0].add(order.name)
				figures[key][1] += flt(line.qty)
				figures[key][2] += flt(line.amount)
	return {
		key: (len(names), flt(qty, 6), flt(amount, 6))
		for key, (names, qty, amount) in figures.items()
		if not customer or key[2] == customer
	}


def _key(grain: tuple, day, values: dict) -> tuple:
	return (
		sales_rollup.grain_name(grain),
		getdate(day),
		*(values[d] if d in grain else "" for d in sales_rollup.DIMENSIONS),
	)


def rollup_rows(days: list[datetime.date], customer: str | None = None) -> dict:
	"""The rollup rows of `days`; only those of `customer` when given."""
	rows = frappe.get_all(
		"OC Sales Rollup",
		filters={"day": ("in", days), **({"customer": customer} if customer else {})},
		fields=["grain", "day", "customer", "product", "channel", "clerk", "orders", "qty", "amount"],
	)
	return {
		(r.grain, getdate(r.day), r.customer, r.product, r.channel, r.clerk): (
			r.orders,
			flt(r.qty, 6),
			flt(r.amount, 6),
		)
		for r in rows
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
	rows = rollup_rows(days)
	assert rows[("product", days[0], "", x, "", "")] == (2, 14.0, 175.0)
	assert rows[("total", days[0], "", "", "", "")] == (2, 16.0, 375.0)
	assert len([key for key in rows if key[0] == "customer+product+channel+clerk"]) == 4


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
	assert ("channel", days[0], "", "", "Fax", "") not in rows
	assert rows[("total", days[0], "", "", "", "")] == (1, 4.0, 50.0)
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
	rows = rollup_rows(days)
	assert {key[1] for key in rows} == {days[2]}
	assert rows[("total", days[2], "", "", "", "")] == (1, 10.0, 212.5)


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
	assert rollup_rows(days)[("total", days[0], "", "", "", "")] == (2, 5.0, 62.5)
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
	assert sealed[("customer", days[0], world.customer, "", "", "")] == (1, 4.0, 200.0)
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
	assert ("clerk", days[0], "", "", "", renamed) in rollup_rows(days)


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
	days = own_days(40)
	x, y, z = masters.products
	a, b = masters.customers
	for offset, customer, channel, clerk, lines, state in (
		(0, a, "Phone", "clerk", [(x, 10, 12.5), (y, 2, 100)], "Approved"),
		(3, b, "Email", "clerk2", [(x, 4, 12.5)], "Approved"),
		(9, a, "Phone", "clerk2", [(z, 8, 33.25), (x, 1, 12.5)], "Approved"),
		(9, b, "Fax", "clerk", [(y, 3, 100)], "Cancelled"),
		(20, a, "Phone", "clerk", [(y, 5, 100)], "Pending Review"),
		(35, b, "Sales Rep", "clerk", [(z, 2, 33.25), (z, 1, 33.25)], "Approved"),
	):
		name = new_order(people, customer, days[offset], lines, channel=channel, clerk=clerk)
		if state != "Pending Review":
			approve(people, name)
		if state == "Cancelled":
			cancel(people, name)
	base = {"from_date": days[1], "to_date": days[-1], "customer": None}
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


def test_the_reports_read_the_rollup(people, masters):
	days = own_days()
	x = masters.products[0]
	approve(people, new_order(people, masters.customers[0], days[0], [(x, 2, 12.5)]))
	filters = {"from_date": days[0], "to_date": days[0], "period": "Daily", "group_by": "Channel"}
	assert order_statistics.execute(dict(filters))[1][0]["qty"] == 2
	# A change to the rollup alone shows in the report: it is what the report reads.
	frappe.db.sql("update `tabOC Sales Rollup` set qty = qty + 1 where day = %s", days[0])
	assert order_statistics.execute(dict(filters))[1][0]["qty"] == 3
	assert best_selling_products.execute(dict(filters))[1][0]["qty"] == 3


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
	assert rollup_rows(days)[("total", days[0], "", "", "", "")] == (6, 27.0, 330.0)
