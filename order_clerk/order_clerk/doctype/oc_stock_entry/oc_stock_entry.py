# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from order_clerk import stock


class OCStockEntry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF
		from order_clerk.order_clerk.doctype.oc_stock_entry_item.oc_stock_entry_item import OCStockEntryItem

		amended_from: DF.Link | None
		entry_type: DF.Literal["Receipt", "Adjustment"]
		items: DF.Table[OCStockEntryItem]
		posting_date: DF.Date
		remarks: DF.SmallText | None
		warehouse: DF.Link
	# end: auto-generated types

	def validate(self):
		for row in self.items:
			if not flt(row.qty):
				frappe.throw(_("Row {0}: Quantity (qty) cannot be 0.").format(row.idx))
			if self.entry_type == "Receipt" and flt(row.qty) < 0:
				frappe.throw(
					_("Row {0}: a receipt adds stock; use an Adjustment to remove it.").format(row.idx)
				)

	def on_submit(self):
		stock.post(self, self.ledger_rows())

	def on_cancel(self):
		stock.post(self, self.ledger_rows(), reverse=True)

	def ledger_rows(self) -> list[dict]:
		return [
			{
				"product": row.product,
				"warehouse": self.warehouse,
				"qty_change": flt(row.qty),
				"voucher_detail_no": row.name,
			}
			for row in self.items
		]
