# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OCProduct(Document):
	# begin: auto-generated types
	# end: auto-generated types

	def validate(self):
		self.product_code = (self.product_code or "").strip()
		self.specification = (self.specification or "").strip()
