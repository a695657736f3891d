"""A known set of orders for the sales reports, and the figures expected from it.

The orders sit on week, month, quarter and year edges (2024-12-29 is a Sunday of ISO week
2024-W52, 2024-12-30 the Monday that starts 2025-W01); the expectations are computed here in
plain Python from the same specification, independently of the reports' SQL.
"""

import datetime
from collections import defaultdict

import frappe

from tests.utils import act, make_customer, make_product, unique

D = datetime.date

# rates of the three products
RATES = {"x": 12.5, "y": 100.0, "z": 33.25}

# (order date, customer, channel, clerk, state, lines as (product, qty))
ORDERS = (
	(D(2024, 12, 29), "a", "Phone", "clerk", "Approved", (("x", 10), ("y", 2))),
	(D(2024, 12, 30), "a", "Email", "clerk2", "Approved", (("x", 4),)),
	(D(2024, 12, 31), "b", "Phone", "clerk", "Approved", (("y", 3),)),
	(D(2025, 1, 1), "b", "Email", "clerk", "Approved", (("z", 8),)),
	(D(2025, 1, 31), "a", "Phone", "clerk2", "Approved", (("x", 20), ("z", 2))),
	(D(2025, 2, 1), "a", "Phone", "clerk", "Approved", (("y", 1),)),
	(D(2025, 3, 31), "b", "Sales Rep", "clerk", "Approved", (("x", 6),)),
	(D(2025, 4, 1), "b", "Sales Rep", "clerk2", "Approved", (("z", 4),)),
	(D(2025, 1, 15), "a", "Phone", "clerk", "Draft", (("y", 50),)),
	(D(2025, 1, 16), "b", "Phone", "clerk", "Cancelled", (("x", 70),)),
	(D(2025, 2, 10), "b", "Email", "clerk2", "Pending Review", (("z", 3),)),
)

FROM_DATE, TO_DATE = D(2024, 12, 1), D(2025, 4, 30)


def make_sales(people, orders=ORDERS) -> frappe._dict:
	"""Create the orders through the review workflow; return the names used and the orders."""
	frappe.set_user("Administrator")
	products = {key: make_product(rate=rate) for key, rate in RATES.items()}
	customers = {key: make_customer(customer_name=unique(f"Sales {key.upper()}")) for key in ("a", "b")}
	made = []
	for order_date, customer, channel, clerk, state, lines in orders:
		frappe.set_user(people[clerk])
		doc = frappe.get_doc(
			{
				"doctype": "OC Order",
				"channel": channel,
				"external_ref": unique("SALES"),
				"customer": customers[customer],
				"order_date": order_date,
				"delivery_date": order_date + datetime.timedelta(days=10),
				# An integrator's order gets no defaults from the customer: every order sends them.
				"payment_terms": "Net 30",
				"delivery_address": "88 Zhangjiang Road, Shanghai",
				"items": [{"product": products[p], "qty": qty, "rate": RATES[p]} for p, qty in lines],
			}
		).insert()
		if state != "Draft":
			act(doc.name, "Submit for Review")
		if state in ("Approved", "Cancelled"):
			frappe.set_user(people.reviewer)
			act(doc.name, "Approve")
		if state == "Cancelled":
			frappe.get_doc("OC Order", doc.name).cancel()
		made.append(frappe._dict(name=doc.name, owner=people[clerk]))
	frappe.set_user("Administrator")
	return frappe._dict(products=products, customers=customers, orders=made, people=people)


def run_report(execute, sales, customer: str, **filters) -> tuple:
	"""A report's `execute` over the data set's period for one of its customers (by letter)."""
	filters = {"from_date": FROM_DATE, "to_date": TO_DATE, "customer": sales.customers[customer], **filters}
	return execute(filters)


def period_start(day: datetime.date, period: str) -> datetime.date:
	if period == "Weekly":
		return day - datetime.timedelta(days=day.weekday())
	if period == "Monthly":
		return day.replace(day=1)
	if period == "Quarterly":
		return D(day.year, (day.month - 1) // 3 * 3 + 1, 1)
	return day


def counted(state: str, include_unapproved: bool) -> bool:
	return state == "Approved" or (include_unapproved and state in ("Draft", "Pending Review"))


def expected_statistics(
	sales,
	period: str,
	group_by: str,
	customer: str,
	from_date=FROM_DATE,
	to_date=TO_DATE,
	include_unapproved=False,
	orders=ORDERS,
	only_owner: str | None = None,
):
	"""{(period start, group value): (orders, qty, amount)} for one customer of the data set."""
	figures = defaultdict(lambda: [set(), 0.0, 0.0])
	for index, (day, cust, channel, clerk, state, lines) in enumerate(orders):
		if cust != customer or not counted(state, include_unapproved) or not from_date <= day <= to_date:
			continue
		if only_owner and sales.people[clerk] != only_owner:
			continue
		for product, qty in lines:
			group = {
				"Channel": channel,
				"Customer": sales.customers[cust],
				"Clerk": sales.people[clerk],
				"Product": sales.products[product],
			}[group_by]
			bucket = figures[(period_start(day, period), group)]
			bucket[0].add(index)
			bucket[1] += qty
			bucket[2] += qty * RATES[product]
	return {key: (len(ids), qty, amount) for key, (ids, qty, amount) in figures.items()}


def expected_products(sales, customer: str, include_unapproved=False, from_date=FROM_DATE, to_date=TO_DATE):
	"""{product: (orders, qty, amount)} for one customer of the data set."""
	figures = defaultdict(lambda: [set(), 0.0, 0.0])
	for index, (day, cust, _channel, _clerk, state, lines) in enumerate(ORDERS):
		if cust != customer or not counted(state, include_unapproved) or not from_date <= day <= to_date:
			continue
		for product, qty in lines:
			bucket = figures[sales.products[product]]
			bucket[0].add(index)
			bucket[1] += qty
			bucket[2] += qty * RATES[product]
	return {key: (len(ids), qty, amount) for key, (ids, qty, amount) in figures.items()}
