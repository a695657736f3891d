"""Checks and derived values of an order as the clerk enters it.

Kept apart from the controller so that each rule reads on its own; every function takes the
OC Order document and either fills derived values or raises a named error.
"""

import datetime
import math
from collections.abc import Callable
from decimal import Decimal
from functools import partial

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from order_clerk.exceptions import InvalidOrderDataError
from order_clerk.notify import email_customer
from order_clerk.permissions import can_read_amounts
from order_clerk.pricing import agreed_prices, reference_prices_from
from order_clerk.money import MAX_AMOUNT

# Bounds beyond which a figure is a typing or integration error, not an order.
MAX_QTY = 1_000_000_000
MAX_RATE = 10_000_000_000
# Largest amount a Currency column holds with room to spare.
MAX_TOTAL = int(MAX_AMOUNT)  # the largest amount the app writes in words (order_clerk.money)

CONTENT_FIELDS = (
	"channel",
	"external_ref",
	"customer",
	"customer_po",
	"order_date",
	"delivery_date",
	"payment_terms",
	"delivery_address",
	"contact_person",
	"contact_phone",
	"contact_email",
	"remarks",
	"original_order",
)
ITEM_CONTENT_FIELDS = ("product", "specification", "qty", "uom", "rate", "price_deviation_reason")


def _invalid(message: str):
	frappe.throw(message, InvalidOrderDataError, title=_("Invalid Value"))


def _field_label(doctype: str, fieldname: str) -> str:
	return _(frappe.get_meta(doctype).get_label(fieldname))


def _to_number(value, where: Callable[[], str]):
	"""The value as a float, None when empty, or a clear error naming where() it is."""
	if value is None or value == "":
		return None
	if isinstance(value, float) and math.isfinite(value):
		return value
	if isinstance(value, bool):
		number = None
	elif isinstance(value, int | float | Decimal):
		number = float(value)
	elif isinstance(value, str):
		try:
			number = float(value.strip())
		except ValueError:
			number = None
	else:
		number = None
	if number is None:
		_invalid(_("{0} must be a number, not {1}.").format(where(), frappe.bold(repr(value))))
	if not math.isfinite(number):
		_invalid(_("{0} must be a finite number.").format(where()))
	return number


def _row_field(row, fieldname: str) -> str:
	return _("Row {0}: {1} ({2})").format(row.idx, _field_label(row.doctype, fieldname), fieldname)


def validate_numbers(doc):
	# The row's name for a message is made only when there is something to say.
	for row in doc.items:
		row.qty = qty = _to_number(row.qty, partial(_row_field, row, "qty"))
		if qty is not None and qty <= 0:
			_invalid(_("{0} must be greater than 0.").format(_row_field(row, "qty")))
		if qty is not None and qty > MAX_QTY:
			_invalid(_("{0} is larger than {1}; check the figure.").format(_row_field(row, "qty"), MAX_QTY))

		row.rate = rate = _to_number(row.rate, partial(_row_field, row, "rate"))
		if rate is not None and rate < 0:
			_invalid(_("{0} cannot be negative.").format(_row_field(row, "rate")))
		if rate is not None and rate > MAX_RATE:
			_invalid(_("{0} is larger than {1}; check the figure.").format(_row_field(row, "rate"), MAX_RATE))


def _to_date(value, fieldname: str) -> datetime.date | None:
	if not value:
		return None
	if isinstance(value, datetime.datetime):
		return value.date()
	if isinstance(value, datetime.date):
		return value
	if isinstance(value, str):
		text = value.strip()
		if len(text) > 10 and text[10] in " T":
			text = text[:10]
		try:
			return datetime.date.fromisoformat(text)
		except ValueError:
			pass
	_invalid(
		_("{0} ({1}) must be a date written YYYY-MM-DD, not {2}.").format(
			_field_label("OC Order", fieldname), fieldname, frappe.bold(repr(value))
		)
	)


def validate_dates(doc):
	doc.order_date = _to_date(doc.order_date, "order_date")
	doc.delivery_date = _to_date(doc.delivery_date, "delivery_date")
	if doc.order_date and doc.delivery_date and doc.delivery_date < doc.order_date:
		_invalid(
			_("Delivery Date ({0}) cannot be before Order Date ({1}).").format(
				doc.delivery_date.isoformat(), doc.order_date.isoformat()
			)
		)


CUSTOMER_FIELDS = (
	"name",
	"disabled",
	"customer_name",
	"payment_terms",
	"delivery_address",
	"contact_person",
	"phone",
	"email",
)
PRODUCT_FIELDS = ("name", "product_name", "specification", "uom", "disabled", "standard_rate")


def customer_of(doc):
	"""The order's customer as the master holds it (None when there is none): read once per
	save, or taken from the master data of a bulk intake (order_clerk.bulk_orders)."""
	if not doc.customer:
		return None
	if doc.flags.master_data:
		return doc.flags.master_data.customers.get(doc.customer)
	read = doc.flags.customer_read
	if not read or read[0] != doc.customer:
		row = frappe.db.get_value("OC Customer", doc.customer, CUSTOMER_FIELDS, as_dict=True)
		doc.flags.customer_read = read = (doc.customer, row)
	return read[1]


def products_of(doc) -> dict:
	"""The lines' products as the master holds them, by name: one query per save (the link check
	and the line details share it), none in a bulk intake."""
	names = frozenset(
		row.product for row in doc.get("items") or [] if row.product and isinstance(row.product, str)
	)
	if doc.flags.master_data:
		known = doc.flags.master_data.products
		return {name: known[name] for name in names if name in known}
	read = doc.flags.products_read
	if not read or read[0] != names:
		rows = {}
		if names:
			rows = {
				row.name: row
				for row in frappe.get_all(
					"OC Product", filters={"name": ("in", list(names))}, fields=PRODUCT_FIELDS
				)
			}
		doc.flags.products_read = read = (names, rows)
	return read[1]


def validate_parties(doc):
	# Frappe 15 lets an unknown link through when the link has fields fetched from it.
	if not doc.customer:
		return
	customer = customer_of(doc)
	if customer is None:
		frappe.throw(
			_("Customer {0} does not exist.").format(frappe.bold(doc.customer)), frappe.LinkValidationError
		)
	if customer.disabled:
		_invalid(_("Customer {0} is disabled; orders cannot be entered for it.").format(doc.customer))


def _may_learn_from_customer(doc, prices: bool = False) -> bool:
	"""Whether both the user saving and the order's owner may read the customer's master data.

	What intake copies into an order its owner reads back: an integrator, which may read no
	customer, would otherwise learn any customer's contact and agreed prices by ordering.
	"""
	users = {frappe.session.user, doc.owner or frappe.session.user}
	if prices:
		if doc.flags.master_data:
			return all(doc.flags.master_data.may_read_prices(user) for user in users)
		return all(can_read_amounts(user, "OC Customer") for user in users)
	if doc.flags.master_data:
		return all(doc.flags.master_data.may_read_customer(doc.customer, user) for user in users)
	# The customer as the document cache holds it (cleared whenever it changes): Frappe would
	# read it and its price list and contacts from the database for every check.
	customer = frappe.get_cached_doc("OC Customer", doc.customer)
	return all(frappe.has_permission("OC Customer", "read", customer, user=user) for user in users)


def set_customer_defaults(doc):
	"""Fill what the clerk left empty from the customer's master data."""
	if not doc.customer or not _may_learn_from_customer(doc):
		return
	customer = customer_of(doc) or {}
	for field, source in (
		("payment_terms", "payment_terms"),
		("delivery_address", "delivery_address"),
		("contact_person", "contact_person"),
		("contact_phone", "phone"),
		("contact_email", "email"),
	):
		if not doc.get(field) and customer.get(source):
			doc.set(field, customer.get(source))


def remember_line_products(doc):
	"""Answer Frappe's link check of every line's product from the query of products_of.

	Frappe checks each line's link with a query of its own, through the request's value cache
	(frappe.db.get_value(..., cache=True)); filling that cache first leaves one query per order.
	Products that do not exist are left out, so the check still refuses them.
	"""
	for name in products_of(doc):
		frappe.db.value_cache[("OC Product", name, "name")] = ((name,),)


def set_item_details(doc):
	"""Product details, reference prices, amounts and deviations, in a fixed number of queries."""
	products = products_of(doc)
	prices = reference_prices(doc, products)
	may_default_rate = _may_learn_from_customer(doc, prices=True)
	for row in doc.items:
		product = products.get(row.product)
		if row.product and not product:
			frappe.throw(
				_("Row {0}: product {1} does not exist.").format(row.idx, frappe.bold(row.product)),
				frappe.LinkValidationError,
			)
		if product and product.disabled:
			_invalid(_("Row {0}: product {1} is disabled.").format(row.idx, row.product))
		if product:
			row.product_name = product.product_name
			row.specification = row.specification or product.specification
			row.uom = row.uom or product.uom
		row.price_list_rate = prices.get(row.product) or 0
		if not row.rate and row.price_list_rate and may_default_rate:
			row.rate = row.price_list_rate
		row.amount = flt(flt(row.qty) * flt(row.rate), row.precision("amount"))
		if row.amount > MAX_TOTAL:
			_invalid(
				_("{0} is larger than {1}; check the figures.").format(_row_field(row, "amount"), MAX_TOTAL)
			)
		row.price_deviation_percent = (
			flt((flt(row.rate) - row.price_list_rate) / row.price_list_rate * 100, 2)
			if row.price_list_rate and row.rate
			else 0
		)


def reference_prices(doc, products: dict) -> dict:
	"""Each product's reference price for the order's customer (order_clerk.pricing)."""
	if doc.flags.master_data:
		return doc.flags.master_data.prices(doc.customer, products)
	standard = {name: product.standard_rate for name, product in products.items()}
	return reference_prices_from(standard, agreed_prices(doc.customer, list(products)))


def check_total(doc):
	if flt(doc.grand_total) > MAX_TOTAL:
		_invalid(_("Grand Total is larger than {0}; check the figures.").format(MAX_TOTAL))


def missing_facts(doc) -> list[dict]:
	"""The facts the clerk must still confirm, each with a message that names it."""
	missing = []
	tolerance = flt(frappe.db.get_single_value("OC Settings", "price_tolerance_percent"))
	may_read_prices = _may_learn_from_customer(doc, prices=True) if doc.customer else True

	def add(fact, message, row=None):
		missing.append({"fact": fact, "row": row, "message": message})

	if not doc.customer:
		add("customer", _("Customer"))
	if not doc.items:
		add("items", _("Items (product, quantity and unit price)"))
	for row in doc.items:
		if not row.product:
			add("product", _("Row {0}: Product").format(row.idx), row.idx)
		if not flt(row.qty):
			add("qty", _("Row {0}: Quantity").format(row.idx), row.idx)
		if not flt(row.rate):
			add("rate", _("Row {0}: Unit Price").format(row.idx), row.idx)
		# Asked only of orders whose makers may read the agreed prices: for an integrator's order
		# the reviewer judges the deviation, so that refusals tell the integrator no price.
		needs_reason = abs(flt(row.price_deviation_percent)) > tolerance and may_read_prices
		if needs_reason and not (row.price_deviation_reason or "").strip():
			add(
				"price_deviation_reason",
				_("Row {0}: Reason for the price deviation of {1}% from the reference price").format(
					row.idx, row.price_deviation_percent
				),
				row.idx,
			)
	if not doc.delivery_date:
		add("delivery_date", _("Delivery Date"))
	if not (doc.payment_terms or "").strip():
		add("payment_terms", _("Payment Terms"))
	if not (doc.delivery_address or "").strip():
		add("delivery_address", _("Delivery Address"))
	return missing


def _normalise(value):
	if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
		return flt(value, 6)
	if isinstance(value, datetime.date):
		return value.isoformat()
	return (str(value) if value is not None else "").strip()


def content_fingerprint(doc) -> tuple:
	"""What was ordered, for telling a content change from a workflow step."""
	parent = tuple(_normalise(doc.get(field)) for field in CONTENT_FIELDS)
	items = tuple(
		tuple(
			flt(row.get(f), 6) if f in ("qty", "rate") else _normalise(row.get(f))
			for f in ITEM_CONTENT_FIELDS
		)
		for row in doc.get("items") or []
	)
	return parent, items


def intake_key_of(doc) -> str | None:
	ref = (doc.external_ref or "").strip()
	return f"{doc.channel}:{ref}" if ref and doc.channel else None


def acknowledgement(doc, received_on=None) -> tuple[str, str]:
	"""The order's acknowledgement of receipt to its customer: its subject and message."""
	from order_clerk.portal import order_url

	subject = _("We have received your order {0}").format(doc.customer_po or doc.external_ref or doc.name)
	message = frappe.render_template(
		"order_clerk/templates/emails/order_acknowledgement.html",
		{"doc": doc, "received_on": received_on or now_datetime(), "portal_url": order_url(doc)},
	)
	return subject, message


def queue_acknowledgement(doc) -> bool:
	"""Acknowledge receipt to the customer; False when the site cannot send email."""
	subject, message = acknowledgement(doc)
	return email_customer(doc, doc.contact_email, subject, message)
