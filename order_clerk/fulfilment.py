"""Progress of an approved order: what is shipped and signed for, and the status that follows.

Quantities move only here, under row locks on the order's lines, so that two documents
confirmed at the same moment can never ship or deliver more than was ordered. The status
that follows is decided by order_clerk.status.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Coalesce
from frappe.utils import flt, getdate, nowdate

from order_clerk import status as statuses
from order_clerk.exceptions import OrderNotShippableError, OverShipmentError

# Float noise allowance when comparing quantities.
EPSILON = 1e-9


def lock_order_lines(order: str, line_names: list[str] | None = None) -> dict[str, frappe._dict]:
	"""The order's lines, read with a row lock, as of the latest commit."""
	item = DocType("OC Order Item")
	query = (
		frappe.qb.from_(item)
		.select(item.name, item.idx, item.product, item.qty, item.shipped_qty, item.delivered_qty)
		.where((item.parent == order) & (item.parenttype == "OC Order"))
		.orderby(item.idx)
		.for_update()
	)
	if line_names is not None:
		query = query.where(item.name.isin(line_names or [""]))
	return {row.name: row for row in query.run(as_dict=True)}


def check_shippable(order: str):
	status, docstatus = frappe.db.get_value("OC Order", order, ["status", "docstatus"])
	if docstatus != 1 or status in statuses.NOT_SHIPPABLE:
		frappe.throw(
			_("Order {0} is {1}; nothing can be shipped on it now.").format(
				order, _(status if docstatus == 1 else "not approved")
			),
			OrderNotShippableError,
		)


def add_shipped(order: str, quantities: dict[str, float]):
	"""Record shipped quantities per order line; refuse any line that would exceed its order."""
	lines = lock_order_lines(order, list(quantities))
	item = DocType("OC Order Item")
	for line_name, qty in quantities.items():
		line = lines.get(line_name)
		if not line:
			frappe.throw(
				_("Line {0} is not a line of order {1}.").format(line_name, order), OverShipmentError
			)
		shipped = flt(line.shipped_qty) + flt(qty)
		if shipped > flt(line.qty) + EPSILON:
			frappe.throw(
				_(
					"Row {0} of order {1} ({2}): {3} ordered, {4} already shipped; {5} more would exceed the order."
				).format(line.idx, order, line.product, flt(line.qty), flt(line.shipped_qty), flt(qty)),
				OverShipmentError,
				title=_("Over-shipment"),
			)
		if shipped < -EPSILON:
			frappe.throw(_("Row {0} of order {1} would ship less than nothing.").format(line.idx, order))
		frappe.qb.update(item).set(item.shipped_qty, shipped).where(item.name == line_name).run()
	update_progress(order)


def add_delivered(order: str, quantities: dict[str, float]):
	lines = lock_order_lines(order, list(quantities))
	item = DocType("OC Order Item")
	for line_name, qty in quantities.items():
		line = lines[line_name]
		frappe.qb.update(item).set(item.delivered_qty, flt(line.delivered_qty) + flt(qty)).where(
			item.name == line_name
		).run()
	update_progress(order)


def update_progress(order: str):
	"""Recompute percentages, overdue flag and status from the order's lines."""
	lines = lock_order_lines(order)
	ordered = sum(flt(line.qty) for line in lines.values())
	shipped = sum(min(flt(line.shipped_qty), flt(line.qty)) for line in lines.values())
	delivered = sum(min(flt(line.delivered_qty), flt(line.qty)) for line in lines.values())
	per_shipped = flt(shipped / ordered * 100, 2) if ordered else 0
	per_delivered = flt(delivered / ordered * 100, 2) if ordered else 0
	values = frappe.db.get_value(
		"OC Order",
		order,
		["name", "docstatus", "status", "delivery_date", "revised_delivery_date"],
		as_dict=True,
		for_update=True,
	)
	values.update(doctype="OC Order", per_shipped=per_shipped, per_delivered=per_delivered)
	status = statuses.status_of(values)
	frappe.db.set_value(
		"OC Order",
		order,
		{
			"per_shipped": per_shipped,
			"per_delivered": per_delivered,
			"status": status,
			"is_overdue": is_overdue(values, status),
		},
	)


def is_overdue(values, status: str) -> int:
	promised = values.revised_delivery_date or values.delivery_date
	if status in statuses.NOTHING_TO_SHIP or not promised:
		return 0
	return 1 if getdate(promised) < getdate(nowdate()) else 0


def update_overdue_flags():
	"""Daily: flag approved orders whose promised date has passed with goods still to ship."""
	order = DocType("OC Order")
	open_orders = (order.docstatus == 1) & order.status.notin(list(statuses.NOTHING_TO_SHIP))
	promised = Coalesce(order.revised_delivery_date, order.delivery_date)
	today = nowdate()
	frappe.qb.update(order).set(order.is_overdue, 1).where(open_orders & (promised < today)).run()
	frappe.qb.update(order).set(order.is_overdue, 0).where(
		(order.is_overdue == 1) & (~open_orders | (promised >= today))
	).run()
