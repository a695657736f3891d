"""Fill the keys that hold the one-per rules for documents made before them: a delivery note's
outbound slip and an invoice request's delivery notes, while not cancelled. Where old data
breaks a rule, the earliest document keeps the key."""

import frappe


def execute():
	note = frappe.qb.DocType("OC Delivery Note")
	taken = set()
	for name, slip in (
		frappe.qb.from_(note)
		.select(note.name, note.outbound_slip)
		.where((note.docstatus < 2) & note.slip_key.isnull())
		.orderby(note.creation)
		.run()
	):
		if slip and slip not in taken and not frappe.db.exists("OC Delivery Note", {"slip_key": slip}):
			frappe.db.set_value("OC Delivery Note", name, "slip_key", slip, update_modified=False)
		taken.add(slip)

	request, row = frappe.qb.DocType("OC Invoice Request"), frappe.qb.DocType("OC Invoice Request Note")
	taken = set()
	for name, delivery_note in (
		frappe.qb.from_(row)
		.join(request)
		.on(row.parent == request.name)
		.select(row.name, row.delivery_note)
		.where((request.docstatus < 2) & row.note_key.isnull())
		.orderby(request.creation)
		.run()
	):
		if (
			delivery_note
			and delivery_note not in taken
			and not frappe.db.exists("OC Invoice Request Note", {"note_key": delivery_note})
		):
			frappe.db.set_value(
				"OC Invoice Request Note", name, "note_key", delivery_note, update_modified=False
			)
		taken.add(delivery_note)
