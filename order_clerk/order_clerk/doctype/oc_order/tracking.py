"""What the clerk follows after approval: stock per line, production requests, and the
status summary given to the customer and to sales."""

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from order_clerk import stock
from order_clerk.notify import assign, email_customer, users_with_role
from order_clerk.exceptions import NoShortageError


def stock_check(order) -> list[dict]:
	"""Per line still to ship: on hand, committed to other approved orders, available, short."""
	warehouse = frappe.db.get_single_value("OC Settings", "default_warehouse")
	levels = stock.get_stock_levels([row.product for row in order.items], warehouse, exclude_order=order.name)
	result, claimed = [], {}
	for row in order.items:
		to_ship = max(flt(row.qty) - flt(row.shipped_qty), 0)
		level = levels.get(row.product) or stock.StockLevel(0, 0, 0)
		# Two lines of the same product draw on the same stock.
		available = level.available - claimed.get(row.product, 0)
		claimed[row.product] = claimed.get(row.product, 0) + to_ship
		result.append(
			{
				"order_item": row.name,
				"idx": row.idx,
				"product": row.product,
				"product_name": row.product_name,
				"qty": flt(row.qty),
				"shipped_qty": flt(row.shipped_qty),
				"to_ship": to_ship,
				"on_hand": level.on_hand,
				"committed": level.committed,
				"available": available,
				"shortage": max(to_ship - max(available, 0), 0),
			}
		)
	return result


def request_production(order) -> list[dict]:
	"""Ask production for every line short of stock; log it on the order and assign it."""
	role = frappe.db.get_single_value("OC Settings", "production_role")
	if not role:
		frappe.throw(_("Set who receives production requests (Production Requests Go To) in OC Settings."))
	short = [line for line in stock_check(order) if line["shortage"] > 0]
	if not short:
		frappe.throw(_("No line of order {0} is short of stock.").format(order.name), NoShortageError)
	now, user = now_datetime(), frappe.session.user
	for line in short:
		order.append(
			"production_requests",
			{
				"order_item": line["order_item"],
				"product": line["product"],
				"shortage_qty": line["shortage"],
				"requested_to": role,
				"requested_by": user,
				"requested_on": now,
			},
		)
	# The caller checked the user may act on the order; the log is kept by the system.
	order.flags.ignore_permissions = True
	order.save()
	details = ", ".join(f"{line['product']} × {line['shortage']:g}" for line in short)
	assign(
		order,
		users_with_role(role),
		_("Produce for order {0}: {1}").format(order.order_no or order.name, details),
	)
	return short


def status_summary(order) -> dict:
	"""Where an order stands, without prices: safe for anyone who may read the order."""
	shipments = []
	for slip in frappe.get_all(
		"OC Outbound Slip",
		filters={"order": order.name, "docstatus": 1},
		fields=["name", "posting_date", "warehouse", "total_qty"],
		order_by="posting_date, creation",
	):
		note = frappe.db.get_value(
			"OC Delivery Note",
			{"outbound_slip": slip.name, "docstatus": ("<", 2)},
			[
				"name",
				"docstatus",
				"carrier",
				"tracking_no",
				"ship_date",
				"sign_status",
				"signed_by",
				"signed_at",
			],
			as_dict=True,
		)
		shipments.append(
			{
				"outbound_slip": slip.name,
				"posting_date": slip.posting_date,
				"warehouse": slip.warehouse,
				"qty": slip.total_qty,
				"delivery_note": note.name if note else None,
				"dispatched": bool(note and note.docstatus == 1),
				"carrier": note.carrier if note else None,
				"tracking_no": note.tracking_no if note else None,
				"ship_date": note.ship_date if note else None,
				"sign_status": note.sign_status if note else None,
				"signed_by": note.signed_by if note else None,
				"signed_at": note.signed_at if note else None,
			}
		)
	return {
		"order": order.name,
		"order_no": order.order_no,
		"customer": order.customer,
		"workflow_state": order.workflow_state,
		"status": order.status,
		"delivery_date": order.delivery_date,
		"revised_delivery_date": order.revised_delivery_date,
		"is_overdue": order.is_overdue,
		"per_shipped": flt(order.per_shipped),
		"per_delivered": flt(order.per_delivered),
		"lines": [
			{
				"product": row.product,
				"product_name": row.product_name,
				"qty": flt(row.qty),
				"shipped_qty": flt(row.shipped_qty),
				"delivered_qty": flt(row.delivered_qty),
				"uom": row.uom,
			}
			for row in order.items
		],
		"shipments": shipments,
		"open_exceptions": frappe.get_all(
			"OC Order Exception",
			filters={"order": order.name, "status": ("in", ["Open", "Escalated"])},
			fields=["name", "exception_type", "status", "due_date", "revised_delivery_date"],
			order_by="creation",
		),
	}


def status_update_message(order) -> str:
	"""The status email's HTML; the template escapes every value a user typed (carrier, tracking no)."""
	return frappe.render_template(
		"order_clerk/templates/emails/order_status.html", {"doc": order, "s": status_summary(order)}
	)


def send_status_update(order) -> bool:
	if not order.contact_email:
		frappe.throw(_("Order {0} has no contact email.").format(order.name))
	message = status_update_message(order)
	subject = _("Status of your order {0}: {1}").format(
		order.customer_po or order.order_no or order.name, _(order.status)
	)
	return email_customer(order, order.contact_email, subject, message)
