# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OCProduct(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		disabled: DF.Check
		product_code: DF.Data
		product_name: DF.Data
		specification: DF.Data | None
		standard_rate: DF.Currency
		uom: DF.Data
	# end: auto-generated types

	def validate(self):
		self.product_code = (self.product_code or "").strip()
		self.specification = (self.specification or "").strip()
