"""Fill a site with realistic orders for benchmarks, fast: rows go in by bulk insert.

Orders spread over the last `years` years, fewer at weekends; a few customers and products
account for most of the business (Pareto weights); channels in the mix a trading company sees.
Older orders are approved (some cancelled) and fulfilled; the last week's are still in review.
Order names and order numbers are taken from the same per-year counters the app uses, in blocks,
so later orders continue the sequences without gaps or clashes. Controllers do not run: every
derived figure (amounts, totals, status, intake key) is computed here as the controller would.
"""

import datetime
import random
import time
from collections import Counter

import frappe
from frappe.utils import cint, flt, getdate, nowdate

from order_clerk import review, sales_rollup
from order_clerk.numbering import reserve_numbers
from order_clerk.scale import masters

CHANNELS = {
	"Phone": 25,
	"Email": 25,
	"Online Platform": 20,
	"Sales Rep": 15,
	"API": 7,
	"Fax": 5,
	"Excel Import": 3,
}
CHUNK_ORDERS = 5_000

ORDER_FIELDS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "idx",
	"channel", "external_ref", "customer", "customer_name", "customer_po", "order_date",
	"delivery_date", "order_no", "payment_terms", "delivery_address", "contact_person",
	"contact_phone", "contact_email", "total_qty", "grand_total", "per_shipped", "per_delivered",
	"is_overdue", "is_complete", "workflow_state", "status", "prepared_by",
	"submitted_for_review_by", "submitted_for_review_on", "approved_by", "approved_on", "intake_key",
)  # fmt: skip
ITEM_FIELDS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "idx",
	"parent", "parenttype", "parentfield", "product", "product_name", "specification", "qty",
	"uom", "rate", "amount", "price_list_rate", "price_deviation_percent", "shipped_qty",
	"delivered_qty",
)  # fmt: skip


def generate(
	orders: int,
	lines: int,
	years: int = 2,
	seed: int | None = None,
	echo=print,
	until=None,
	commit_masters: bool = False,
) -> dict:
	"""`orders` orders with `lines` lines dated over the `years` years up to `until` (today)."""
	if orders < 1 or lines < orders:
		raise ValueError("Need at least one order, and at least as many lines as orders.")
	rng = random.Random(seed)
	started = time.monotonic()
	customers = masters.ensure_customers(min(max(20, orders // 100), masters.max_customers()), rng)
	products = masters.ensure_products(max(30, min(lines // 2000, masters.max_products())))
	clerks, reviewers = masters.ensure_staff()
	if commit_masters:
		# Kept: a run that rolls its orders back should not hold master rows locked meanwhile.
		frappe.db.commit()
	echo(f"Master data: {len(customers)} customers, {len(products)} products, {len(clerks)} clerks.")

	headers = _order_headers(orders, years, rng, customers, clerks, reviewers, getdate(until or nowdate()))
	_assign_names(headers)
	line_counts = _line_counts(orders, lines, rng)
	product_weights = _pareto(len(products), rng)
	token = f"{rng.randrange(16**6):06X}"
	for start in range(0, orders, CHUNK_ORDERS):
		chunk = headers[start : start + CHUNK_ORDERS]
		order_rows, item_rows = [], []
		for offset, header in enumerate(chunk):
			items = _items(header, line_counts[start + offset], products, product_weights, rng)
			order_rows.append(_order_row(header, items, token, start + offset))
			item_rows.extend(items)
		frappe.db.bulk_insert("OC Order", ORDER_FIELDS, order_rows)
		frappe.db.bulk_insert("OC Order Item", ITEM_FIELDS, item_rows)
		# Rows went in without the controllers: the approved ones join the sales rollup here.
		sales_rollup.add_orders([header["name"] for header in chunk])
		echo(f"{min(start + CHUNK_ORDERS, orders)} of {orders} orders inserted.")
	elapsed = time.monotonic() - started
	echo(f"Generated {orders} orders with {lines} lines in {elapsed:.1f} s.")
	return {"orders": orders, "lines": lines, "names": [h["name"] for h in headers], "seconds": elapsed}


def _pareto(count: int, rng: random.Random) -> list[float]:
	return [rng.paretovariate(1.16) for _ in range(count)]


def _line_counts(orders: int, lines: int, rng: random.Random) -> list[int]:
	counts = [1] * orders
	for index in rng.choices(range(orders), k=lines - orders):
		counts[index] += 1
	return counts


def _random_moment(day: datetime.date, rng: random.Random, earliest_hour: int = 8) -> datetime.datetime:
	return datetime.datetime.combine(day, datetime.time(rng.randrange(earliest_hour, 18), rng.randrange(60)))


def _order_date(today: datetime.date, days: int, rng: random.Random) -> datetime.date:
	while True:
		day = today - datetime.timedelta(days=rng.randrange(days))
		if day.weekday() < 5 or rng.random() < 0.25:
			return day


def _order_headers(orders, years, rng, customers, clerks, reviewers, today) -> list[dict]:
	customer_weights = _pareto(len(customers), rng)
	channels, channel_weights = list(CHANNELS), list(CHANNELS.values())
	headers = []
	for customer in rng.choices(customers, weights=customer_weights, k=orders):
		order_date = _order_date(today, years * 365, rng)
		age = (today - order_date).days
		header = {
			"customer": customer,
			"channel": rng.choices(channels, weights=channel_weights)[0],
			"order_date": order_date,
			"delivery_date": order_date + datetime.timedelta(days=rng.randrange(3, 31)),
			"owner": rng.choice(clerks),
			"created": _random_moment(order_date, rng),
			"state": _state(age, rng),
		}
		if header["state"] in (review.APPROVED, review.CANCELLED):
			approved = min(order_date + datetime.timedelta(days=rng.randrange(0, 3)), today)
			header["approved_on"] = max(_random_moment(approved, rng, 10), header["created"])
			header["approved_by"] = rng.choice(reviewers)
		headers.append(header)
	headers.sort(key=lambda h: h["created"])
	return headers


def _state(age: int, rng: random.Random) -> str:
	if age > 7:
		return review.CANCELLED if rng.random() < 0.03 else review.APPROVED
	return rng.choices(
		(review.APPROVED, review.PENDING_REVIEW, review.DRAFT, review.NEEDS_CLARIFICATION),
		weights=(70, 15, 10, 5),
	)[0]


def _assign_names(headers: list[dict]):
	"""Names by creation, order numbers by approval, from blocks of the app's own counters."""
	prefix = frappe.db.get_single_value("OC Settings", "order_no_prefix") or "SO"
	digits = cint(frappe.db.get_single_value("OC Settings", "order_no_digits")) or 5
	_number(headers, "created", "ORD", 5, "name")
	approved = sorted((h for h in headers if h.get("approved_on")), key=lambda h: h["approved_on"])
	_number(approved, "approved_on", prefix, digits, "order_no")


def _number(headers, moment: str, prefix: str, digits: int, field: str):
	per_year = Counter(h[moment].year for h in headers)
	next_by_year = {year: reserve_numbers(prefix, year, count) for year, count in sorted(per_year.items())}
	for header in headers:
		year = header[moment].year
		header[field] = f"{prefix}-{year}-{next_by_year[year]:0{digits}d}"
		next_by_year[year] += 1


def _items(header, count, products, weights, rng) -> list[tuple]:
	items, total_qty, total = [], 0.0, 0.0
	created = header["created"]
	shipped_share = _shipped_share(header)
	docstatus = review.STATE_DOCSTATUS[header["state"]]
	for idx, product in enumerate(rng.choices(products, weights=weights, k=count), start=1):
		low, high = product["quantities"]
		qty = float(rng.randint(low, high))
		reference = product["standard_rate"]
		rate = flt(reference * rng.choice((1, 1, 1, 0.98, 0.95, 1.02)), 2)
		amount = flt(qty * rate, 2)
		total_qty += qty
		total += amount
		shipped = flt(qty * shipped_share[0], 3)
		delivered = flt(qty * shipped_share[1], 3)
		items.append(
			(
				f"{header['name']}-{idx}", created, created, header["owner"], header["owner"], docstatus, idx,
				header["name"], "OC Order", "items", product["product_code"], product["product_name"],
				product["specification"], qty, product["uom"], rate, amount, reference,
				flt((rate - reference) / reference * 100, 2) if reference else 0, shipped, delivered,
			)
		)  # fmt: skip
	header["total_qty"], header["grand_total"] = total_qty, flt(total, 2)
	return items


def _shipped_share(header) -> tuple[float, float]:
	"""(shipped, delivered) as a share of each line, by how long ago the order was approved."""
	if header["state"] != review.APPROVED:
		return 0.0, 0.0
	age = (getdate(nowdate()) - header["order_date"]).days
	if age > 30:
		return 1.0, 1.0
	if age > 10:
		return 1.0, 0.0
	return (0.5, 0.0) if age > 5 else (0.0, 0.0)


def _status(header) -> tuple[str, float, float, int]:
	"""(status, % shipped, % delivered, overdue) as the fulfilment stage would set them."""
	if header["state"] == review.CANCELLED:
		return "Cancelled", 0, 0, 0
	if header["state"] != review.APPROVED:
		return "Draft", 0, 0, 0
	shipped, delivered = _shipped_share(header)
	if delivered == 1:
		status = "Completed"
	elif shipped == 1:
		status = "Shipped"
	else:
		status = "Partly Shipped" if shipped else "To Ship"
	overdue = int(shipped < 1 and header["delivery_date"] < getdate(nowdate()))
	return status, shipped * 100, delivered * 100, overdue


def _order_row(header, items, token: str, index: int) -> tuple:
	customer = header["customer"]
	state = header["state"]
	docstatus = review.STATE_DOCSTATUS[state]
	status, per_shipped, per_delivered, overdue = _status(header)
	external_ref = f"G{token}-{index + 1:07d}"
	submitted = state not in (review.DRAFT, review.NEEDS_CLARIFICATION)
	created = header["created"]
	modified = header.get("approved_on") or created
	return (
		header["name"], created, modified, header["owner"], header.get("approved_by") or header["owner"],
		docstatus, 0, header["channel"], external_ref, customer.name, customer.customer_name,
		f"PO{header['order_date']:%y%m%d}{index % 1000:03d}", header["order_date"],
		header["delivery_date"], header.get("order_no"), customer.payment_terms,
		customer.delivery_address, customer.contact_person, customer.phone, customer.email,
		header["total_qty"], header["grand_total"], per_shipped, per_delivered, overdue, 1, state,
		status, header["owner"], header["owner"] if submitted else None, created if submitted else None,
		header.get("approved_by"), header.get("approved_on"),
		None if docstatus == 2 else f"{header['channel']}:{external_ref}",
	)  # fmt: skip
