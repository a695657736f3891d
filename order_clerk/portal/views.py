"""What a customer's contact sees on the portal: their orders, each in the customer's words,
without what is internal (order_clerk.portal)."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import cint, flt

from order_clerk import archive, review
from order_clerk.portal.contacts import contact_users
from order_clerk.printing.formatting import format_amount, format_quantity

# The confirmation is of what will be delivered: an order whose content the clerk no longer edits.
CONFIRMABLE_STATES = (review.PENDING_REVIEW, review.APPROVED)
ORDERS_PER_PAGE = 20


def customer_status(order) -> str:
	"""The order's state as the customer reads it; the review's inner steps are not theirs."""
	if order.docstatus == 2:
		return _("Cancelled")
	if order.docstatus == 1:
		return _(order.status)
	if order.workflow_state == review.PENDING_REVIEW:
		return _("Being reviewed")
	return _("Being prepared")


def list_orders(contact: frappe._dict, start: int = 0) -> list[frappe._dict]:
	order = DocType("OC Order")
	rows = (
		frappe.qb.from_(order)
		.select(
			order.name,
			order.order_no,
			order.customer_po,
			order.order_date,
			order.delivery_date,
			order.revised_delivery_date,
			order.per_shipped,
			order.per_delivered,
			order.status,
			order.docstatus,
			order.workflow_state,
			order.customer_confirmed_on,
		)
		.where(order.customer == contact.customer)
		.orderby(order.creation, order=frappe.qb.desc)
		.limit(ORDERS_PER_PAGE + 1)
		.offset(max(cint(start), 0))
		.run(as_dict=True)
	)
	for row in rows:
		row.customer_status = customer_status(row)
	return rows


def order_view(contact: frappe._dict, order) -> frappe._dict:
	"""Everything the order's page shows, and nothing else."""
	confirmed = bool(order.customer_confirmed_on)
	return frappe._dict(
		name=order.name,
		order_no=order.order_no,
		customer_po=order.customer_po,
		order_date=order.order_date,
		delivery_date=order.delivery_date,
		revised_delivery_date=order.revised_delivery_date,
		delivery_address=order.delivery_address,
		status=customer_status(order),
		per_shipped=flt(order.per_shipped),
		per_delivered=flt(order.per_delivered),
		grand_total=format_amount(order.grand_total),
		lines=[line_view(row) for row in order.items],
		shipments=shipments_of(order.name),
		exceptions=open_exceptions_of(order.name),
		questions=questions_of(order),
		confirmed=confirmed,
		confirmed_by=order.customer_confirmed_name,
		confirmed_on=order.customer_confirmed_on,
		can_confirm=bool(
			cint(contact.can_confirm) and not confirmed and order.workflow_state in CONFIRMABLE_STATES
		),
		confirmation_pdf=order.docstatus == 1,
	)


def line_view(row) -> frappe._dict:
	qty = flt(row.qty)
	return frappe._dict(
		product=row.product_name or row.product,
		specification=row.specification,
		qty=format_quantity(row.qty),
		uom=row.uom,
		rate=format_amount(row.rate),
		amount=format_amount(row.amount),
		shipped_qty=format_quantity(row.shipped_qty),
		delivered_qty=format_quantity(row.delivered_qty),
		per_delivered=min(100, round(flt(row.delivered_qty) * 100 / qty)) if qty else 0,
	)


def shipments_of(order: str) -> list[frappe._dict]:
	notes = frappe.get_all(
		"OC Delivery Note",
		filters={"order": order, "docstatus": 1},
		fields=["name", "ship_date", "carrier", "tracking_no", "status", "sign_status", "signed_at"],
		order_by="creation asc",
	)
	for note in notes:
		note.status = _(note.status) if note.status else ""
		note.sign_status = _(note.sign_status or "Pending")
	return notes


def open_exceptions_of(order: str) -> list[frappe._dict]:
	# The kind, since when and the revised date only: descriptions and resolutions are internal.
	rows = frappe.get_all(
		"OC Order Exception",
		filters={"order": order, "status": ("in", archive.OPEN_EXCEPTION_STATES)},
		fields=["exception_type", "creation", "revised_delivery_date"],
		order_by="creation asc",
	)
	return [
		frappe._dict(
			kind=_(row.exception_type),
			since=row.creation,
			revised_delivery_date=row.revised_delivery_date,
		)
		for row in rows
	]


def questions_of(order) -> list[frappe._dict]:
	"""The questions the customer's contacts asked on the portal, with our answers."""
	askers = set(contact_users(order.customer))
	return [
		frappe._dict(
			question=row.question,
			asked_on=row.asked_on,
			answer=row.answer,
			answered_on=row.answered_on,
		)
		for row in order.clarifications
		if row.asked_by in askers
	]
