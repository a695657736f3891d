# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class OCDeliveryNoteItem(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		order_item: DF.Data | None
		outbound_slip_item: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		product: DF.Link
		product_name: DF.Data | None
		qty: DF.Float
		received_qty: DF.Float
		specification: DF.Data | None
		uom: DF.Data | None
	# end: auto-generated types

	def show_unique_validation_message(self, e):
		if "unique_slip_line" in str(e):
			from order_clerk.order_clerk.doctype.oc_delivery_note.oc_delivery_note import (
				DuplicateDeliveryNoteError,
			)

			frappe.throw(
				_(
					"Delivery note {0} lists line {1} of outbound slip {2} twice; each line is delivered once."
				).format(
					self.parent,
					self.outbound_slip_item,
					frappe.db.get_value("OC Delivery Note", self.parent, "outbound_slip"),
				),
				DuplicateDeliveryNoteError,
				title=_("Duplicate Delivery Note"),
			)
		super().show_unique_validation_message(e)


def on_doctype_update():
	# A delivery note lists each slip line once (OCDeliveryNote.validate_slip says so clearly);
	# the index holds it on every other path too.
	frappe.db.add_unique("OC Delivery Note Item", ["parent", "outbound_slip_item"], "unique_slip_line")
