# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class OCInvoiceRequestNote(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		delivery_note: DF.Link
		note_key: DF.Data | None
		order: DF.Link | None
		order_no: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		qty: DF.Float
	# end: auto-generated types

	def show_unique_validation_message(self, e):
		if "note_key" in str(e):
			from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import (
				DuplicateInvoiceRequestError,
			)

			# A locking read sees the other request, committed after this transaction's snapshot.
			other = frappe.db.get_value(
				"OC Invoice Request Note", {"note_key": self.delivery_note}, "parent", for_update=True
			)
			frappe.throw(
				_("Row {0}: delivery note {1} is already on invoice request {2}.").format(
					self.idx, self.delivery_note, other or _("(being created)")
				),
				DuplicateInvoiceRequestError,
				title=_("Duplicate Invoice Request"),
			)
		super().show_unique_validation_message(e)
