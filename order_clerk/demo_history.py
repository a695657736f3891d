"""Two years of history behind the demo's live orders: a few hundred approved orders, growing
and seasonal, all shipped, signed and filed, inserted in bulk and numbered from the app's own
counters (order_clerk.demo_data builds the live story)."""

import datetime
import random

import frappe
from frappe.utils import flt, getdate, nowdate

from order_clerk import review
from order_clerk.demo import DEMO_CUSTOMERS, DEMO_PRODUCTS
from order_clerk.demo_data import (
	CLERK,
	INTEGRATOR,
	MORE_CUSTOMERS,
	MORE_PRODUCTS,
	PREFIX,
	QUANTITIES,
	REVIEWER,
)
from order_clerk.numbering import reserve_numbers
from order_clerk.scale.generator import ITEM_FIELDS, ORDER_FIELDS

HISTORY_ORDERS = 360
HISTORY_DAYS = 730


def build_history(prefix: str = PREFIX, count: int = HISTORY_ORDERS, days: int = HISTORY_DAYS):
	"""Approved orders over two years, growing and seasonal, all shipped, signed and filed."""
	if frappe.db.exists("OC Order", {"external_ref": ("like", f"{prefix}-H-%")}):
		return
	rng = random.Random(2026)
	today = getdate(nowdate())
	customers = frappe.get_all(
		"OC Customer",
		filters={"name": ("in", [c[0] for c in (*DEMO_CUSTOMERS, *MORE_CUSTOMERS)])},
		fields=[
			"name",
			"customer_name",
			"contact_person",
			"phone",
			"email",
			"payment_terms",
			"delivery_address",
		],
		order_by="name",
	)
	products = frappe.get_all(
		"OC Product",
		filters={"name": ("in", [p[0] for p in (*DEMO_PRODUCTS, *MORE_PRODUCTS)])},
		fields=["name", "product_name", "specification", "uom", "standard_rate"],
		order_by="name",
	)
	customer_weights = [rng.paretovariate(1.2) for _ in customers]
	product_weights = [rng.paretovariate(1.2) for _ in products]
	channels = ("Phone", "Email", "Online Platform", "Sales Rep", "Fax", "API")
	channel_weights = (30, 28, 18, 14, 5, 5)
	headers = []
	for index in range(count):
		order_date = _history_day(today, days, rng)
		created = datetime.datetime.combine(
			order_date, datetime.time(rng.randrange(8, 18), rng.randrange(60))
		)
		approved = created + datetime.timedelta(hours=rng.randrange(1, 30))
		channel = rng.choices(channels, weights=channel_weights)[0]
		headers.append(
			{
				"ref": f"{prefix}-H-{index + 1:04d}",
				"customer": rng.choices(customers, weights=customer_weights)[0],
				"channel": channel,
				"owner": INTEGRATOR if channel == "API" else CLERK,
				"order_date": order_date,
				"delivery_date": order_date + datetime.timedelta(days=rng.randrange(7, 31)),
				"created": created,
				"approved_on": approved,
				"cancelled": rng.random() < 0.03,
				"lines": [
					(product, rng.randint(*QUANTITIES.get(product.uom, (1, 100))))
					for product in rng.choices(
						products, weights=product_weights, k=rng.choice((1, 1, 2, 2, 3))
					)
				],
			}
		)
	headers.sort(key=lambda h: h["created"])
	_number(headers, "created", "ORD", 5, "name")
	settings = frappe.get_cached_doc("OC Settings")
	_number(
		sorted(headers, key=lambda h: h["approved_on"]),
		"approved_on",
		settings.order_no_prefix or "SO",
		settings.order_no_digits or 5,
		"order_no",
	)
	order_rows, item_rows = [], []
	for header in headers:
		items = _history_items(header)
		order_rows.append(_history_order(header))
		item_rows.extend(items)
	frappe.db.bulk_insert("OC Order", ORDER_FIELDS, order_rows)
	frappe.db.bulk_insert("OC Order Item", ITEM_FIELDS, item_rows)
	# The sales reports read the rollup that approval keeps; rows inserted in bulk join it here.
	from order_clerk import sales_rollup

	sales_rollup.add_orders([header["name"] for header in headers])


def _history_day(today: datetime.date, days: int, rng: random.Random) -> datetime.date:
	"""A working day; more orders lately (growth) and in spring and autumn (season)."""
	while True:
		age = rng.randrange(21, days)
		day = today - datetime.timedelta(days=age)
		growth = 1 - age / days * 0.5
		season = 1.25 if day.month in (3, 4, 5, 9, 10, 11) else (0.6 if day.month in (1, 2) else 1)
		if day.weekday() < 5 and rng.random() < growth * season / 1.25:
			return day


def _number(headers: list[dict], moment: str, prefix: str, digits: int, field: str):
	"""Numbers from blocks of the app's per-year counters, so later ones continue without a gap."""
	by_year = {}
	for header in headers:
		by_year.setdefault(header[moment].year, []).append(header)
	for year, group in sorted(by_year.items()):
		first = reserve_numbers(prefix, year, len(group))
		for offset, header in enumerate(group):
			header[field] = f"{prefix}-{year}-{first + offset:0{int(digits)}d}"


def _history_items(header: dict) -> list[tuple]:
	rows, total_qty, total = [], 0.0, 0.0
	docstatus = 2 if header["cancelled"] else 1
	done = 0 if header["cancelled"] else 1
	for idx, (product, qty) in enumerate(header["lines"], start=1):
		rate = flt(product.standard_rate)
		amount = flt(qty * rate, 2)
		total_qty += qty
		total += amount
		rows.append(
			(
				f"{header['name']}-{idx}", header["created"], header["approved_on"], header["owner"],
				header["owner"], docstatus, idx, header["name"], "OC Order", "items", product.name,
				product.product_name, product.specification, qty, product.uom, rate, amount, rate, 0,
				qty * done, qty * done,
			)
		)  # fmt: skip
	header["total_qty"], header["grand_total"] = total_qty, flt(total, 2)
	return rows


def _history_order(header: dict) -> tuple:
	customer = header["customer"]
	cancelled = header["cancelled"]
	state, status = (review.CANCELLED, "Cancelled") if cancelled else (review.APPROVED, "Completed")
	done = 0 if cancelled else 100
	return (
		header["name"], header["created"], header["approved_on"], header["owner"], REVIEWER,
		2 if cancelled else 1, 0, header["channel"], header["ref"], customer.name, customer.customer_name,
		f"PO{header['order_date']:%y%m%d}{header['ref'][-3:]}", header["order_date"], header["delivery_date"],
		header["order_no"], customer.payment_terms, customer.delivery_address, customer.contact_person,
		customer.phone, customer.email, header["total_qty"], header["grand_total"], done, done, 0, 1, state,
		status, header["owner"], header["owner"], header["created"], REVIEWER, header["approved_on"],
		None if cancelled else f"{header['channel']}:{header['ref']}",
	)  # fmt: skip
