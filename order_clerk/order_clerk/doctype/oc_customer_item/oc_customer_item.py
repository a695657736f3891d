# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from order_clerk.capture.text import normalize


class OCCustomerItem(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link
		customer_item_code: DF.Data
		learned_from: DF.Link | None
		product: DF.Link
		product_name: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.customer_item_code = (self.customer_item_code or "").strip()
		self.check_unique_code()

	def check_unique_code(self):
		"""One meaning per customer part number: 客户料号 HD-B0042 is one product of ours."""
		code = normalize(self.customer_item_code)
		for other in frappe.get_all(
			"OC Customer Item",
			filters={"customer": self.customer, "name": ("!=", self.name or "")},
			fields=["name", "customer_item_code", "product"],
		):
			if normalize(other.customer_item_code) == code:
				frappe.throw(
					_("Customer {0} already has item code {1} (product {2}).").format(
						self.customer, other.customer_item_code, other.product
					),
					frappe.DuplicateEntryError,
					title=_("Duplicate Customer Item Code"),
				)
