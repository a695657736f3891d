# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class DuplicateCustomerPriceError(frappe.ValidationError):
	pass


class OCCustomer(Document):
	# begin: auto-generated types
	# end: auto-generated types

	def validate(self):
		self.validate_prices()

	def validate_prices(self):
		seen = {}
		for row in self.prices:
			if row.product in seen:
				frappe.throw(
					_("Rows {0} and {1} both give a price for product {2}.").format(
						seen[row.product], row.idx, row.product
					),
					DuplicateCustomerPriceError,
				)
			seen[row.product] = row.idx
