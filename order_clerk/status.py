"""The status of each document of an order's life, decided here and nowhere else.

Each DocType has a table of (status, condition) rows, read from the top: the first row whose
condition holds gives the status, as ERPNext's `status_map` does. A condition reads the
document's own fields and, for an order, whether an open exception holds it or its archive is
sealed. Controllers call `set_status` (or `refresh` after changing other documents' data);
nothing else writes a status field.

    OC Order            Draft, Cancelled, Completed (archive sealed), On Hold (an open exception
                        holds it), Delivered, Shipped, Partly Shipped, To Ship
    OC Outbound Slip    Draft, Issued, Cancelled
    OC Delivery Note    Draft, Cancelled, In Transit (sign-off pending), Signed, Partly Signed,
                        Refused
    OC Invoice Request  Draft, Cancelled, Issued (finance recorded the invoice), Requested
"""

from collections.abc import Callable

import frappe
from frappe.utils import flt

# order statuses
DRAFT = "Draft"
TO_SHIP = "To Ship"
PARTLY_SHIPPED = "Partly Shipped"
SHIPPED = "Shipped"
DELIVERED = "Delivered"
ON_HOLD = "On Hold"
COMPLETED = "Completed"
CANCELLED = "Cancelled"

# An order in these has nothing left to ship: it is never overdue.
NOTHING_TO_SHIP = frozenset({SHIPPED, DELIVERED, COMPLETED, CANCELLED, DRAFT})
# Nothing may be shipped on an order in these.
NOT_SHIPPABLE = frozenset({CANCELLED, COMPLETED, ON_HOLD})
# An order in these is finished with: it is not archived again, and commits no stock.
CLOSED = frozenset({COMPLETED, CANCELLED})
# An approved order in these still has goods to ship.
OPEN_TO_SHIP = frozenset({TO_SHIP, PARTLY_SHIPPED, ON_HOLD})

# exceptions that still hold an order
OPEN_EXCEPTION_STATES = ("Open", "Escalated")

# delivery note sign-off
PENDING = "Pending"
SIGNED_STATES = ("Signed", "Partly Signed")

Condition = Callable[[object], bool]


def _docstatus(value: int) -> Condition:
	return lambda doc: doc.docstatus == value


def _always(doc) -> bool:
	return True


def order_on_hold(doc) -> bool:
	return bool(
		frappe.db.exists(
			"OC Order Exception",
			{"order": doc.name, "hold_order": 1, "status": ("in", OPEN_EXCEPTION_STATES)},
		)
	)


def order_archived(doc) -> bool:
	return bool(
		frappe.db.exists("OC Archive Record", {"order": doc.name, "docstatus": 1, "status": "Sealed"})
	)


STATUS_MAP: dict[str, list[tuple[str, Condition]]] = {
	"OC Order": [
		(CANCELLED, _docstatus(2)),
		(DRAFT, _docstatus(0)),
		(COMPLETED, order_archived),
		(ON_HOLD, order_on_hold),
		(DELIVERED, lambda doc: flt(doc.per_delivered) >= 100),
		(SHIPPED, lambda doc: flt(doc.per_shipped) >= 100),
		(PARTLY_SHIPPED, lambda doc: flt(doc.per_shipped) > 0),
		(TO_SHIP, _always),
	],
	"OC Outbound Slip": [
		("Draft", _docstatus(0)),
		("Cancelled", _docstatus(2)),
		("Issued", _always),
	],
	"OC Delivery Note": [
		("Draft", _docstatus(0)),
		("Cancelled", _docstatus(2)),
		("In Transit", lambda doc: (doc.sign_status or PENDING) == PENDING),
		("Signed", lambda doc: doc.sign_status == "Signed"),
		("Partly Signed", lambda doc: doc.sign_status == "Partly Signed"),
		("Refused", _always),
	],
	"OC Invoice Request": [
		("Draft", _docstatus(0)),
		("Cancelled", _docstatus(2)),
		("Issued", lambda doc: bool(doc.invoice_no)),
		("Requested", _always),
	],
}


def status_of(doc) -> str:
	"""The status `doc` has by its data (a Document, or a dict of the fields the rules read)."""
	for status, condition in STATUS_MAP[doc.doctype]:
		if condition(doc):
			return status
	raise AssertionError(f"no status row of {doc.doctype} matched")  # each table ends in _always


def set_status(doc, update: bool = False) -> str:
	"""Set doc.status by the rules; with update, also in the database (after submit or cancel)."""
	doc.status = status_of(doc)
	if update:
		doc.db_set("status", doc.status, update_modified=False)
	return doc.status


def refresh(doctype: str, name: str, **values) -> str:
	"""Recompute and store the status of a saved document whose data changed elsewhere (an
	order's quantities, its exceptions, its archive), with `values` changed alongside."""
	fields = ["name", "docstatus", "status", *_fields_read(doctype)]
	doc = frappe._dict(frappe.db.get_value(doctype, name, fields, as_dict=True, for_update=True))
	doc.update(values, doctype=doctype)
	status = status_of(doc)
	frappe.db.set_value(doctype, name, {**values, "status": status})
	return status


def _fields_read(doctype: str) -> list[str]:
	return {
		"OC Order": ["per_shipped", "per_delivered"],
		"OC Delivery Note": ["sign_status"],
		"OC Invoice Request": ["invoice_no"],
	}.get(doctype, [])
