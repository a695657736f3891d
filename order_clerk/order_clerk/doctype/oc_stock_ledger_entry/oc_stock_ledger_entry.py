# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class OCStockLedgerEntry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		is_reversal: DF.Check
		posting_date: DF.Date
		product: DF.Link
		qty_change: DF.Float
		voucher_detail_no: DF.Data | None
		voucher_no: DF.DynamicLink | None
		voucher_type: DF.Link | None
		warehouse: DF.Link
	# end: auto-generated types

	def validate(self):
		if not self.is_new():
			frappe.throw(_("Stock ledger entries are never changed; cancel the voucher instead."))

	def on_trash(self):
		frappe.throw(_("Stock ledger entries cannot be deleted."))
