"""The lines of the fulfilment documents as their print formats show them.

Each is a Jinja method (hooks.py) returning rows for the line_table macro and the totals
row. They read what the document does not hold itself (an order's rates, a delivery note's
ship date) in one query per print, not one per line.
"""

import frappe
from frappe.utils import flt


def oc_outbound_slip_lines(slip, with_prices: bool = False) -> frappe._dict:
	"""The slip's lines; with its order's rates and the amounts of what is issued when asked.

	An outbound slip has no prices of its own. Its priced copies (stub, finance) show the
	rate of each order line and the amount of the quantity issued, worked out as the order
	works out its own amounts; the format asks for them only when the user may read the
	order's prices (oc_print_context's prices_visible), and the rates are not even read
	otherwise.
	"""
	rates = _order_rates([row.order_item for row in slip.items]) if with_prices else {}
	precision = frappe.get_precision("OC Order Item", "amount") if with_prices else None
	rows = []
	for row in slip.items:
		line = _line(row)
		if with_prices:
			line.rate = rates.get(row.order_item, 0)
			line.amount = flt(flt(row.qty) * flt(line.rate), precision)
		rows.append(line)
	return frappe._dict(
		rows=rows,
		total_qty=flt(slip.total_qty),
		total_amount=sum(row.amount for row in rows) if with_prices else None,
	)


def oc_delivery_note_lines(note) -> frappe._dict:
	"""The note's lines with what was shipped and, once the sign-off is recorded, received.

	Before the sign-off the received quantities are None, which prints a blank for the
	customer to fill in by hand on the sign-off copy.
	"""
	signed = bool(note.docstatus == 1 and note.sign_status and note.sign_status != "Pending")
	rows = []
	for row in note.items:
		line = _line(row)
		line.received_qty = flt(row.received_qty) if signed else None
		rows.append(line)
	return frappe._dict(
		rows=rows,
		total_qty=flt(note.total_qty),
		total_received=sum(row.received_qty for row in rows) if signed else None,
		signed=signed,
	)


def oc_invoice_request_lines(request) -> frappe._dict:
	"""One row per delivery note: its order, ship and sign-off dates, signed quantity, amount."""
	names = [row.delivery_note for row in request.delivery_notes]
	notes = {
		note.name: note
		for note in frappe.get_all(
			"OC Delivery Note",
			filters={"name": ("in", names or [""])},
			fields=["name", "ship_date", "signed_at"],
		)
	}
	rows = []
	for row in request.delivery_notes:
		note = notes.get(row.delivery_note) or frappe._dict()
		rows.append(
			frappe._dict(
				delivery_note=row.delivery_note,
				order_no=row.order_no or row.order,
				ship_date=frappe.format(note.ship_date, {"fieldtype": "Date"}) if note.ship_date else "",
				signed_on=frappe.format(note.signed_at, {"fieldtype": "Date"}) if note.signed_at else "",
				qty=flt(row.qty),
				amount=flt(row.amount),
			)
		)
	return frappe._dict(
		rows=rows,
		total_qty=sum(row.qty for row in rows),
		total_amount=flt(request.total_amount),
	)


def _line(row) -> frappe._dict:
	return frappe._dict(
		product=row.product,
		product_name=row.product_name,
		specification=row.specification,
		qty=flt(row.qty),
		uom=row.uom,
	)


def _order_rates(order_items: list[str]) -> dict[str, float]:
	return dict(
		frappe.get_all(
			"OC Order Item",
			filters={"name": ("in", order_items or [""]), "parenttype": "OC Order"},
			fields=["name", "rate"],
			as_list=True,
		)
	)
