# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from order_clerk.capture.text import normalize


class OCCustomerLayout(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		column: DF.Literal[
			"Part No.",
			"Product Name",
			"Specification",
			"Unit",
			"Quantity",
			"Rate",
			"Amount",
			"Remark",
			"Not Used",
		]
		customer: DF.Link
		header_text: DF.Data
		learned_from: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.header_text = (self.header_text or "").strip()
		self.check_unique_heading()

	def check_unique_heading(self):
		"""One meaning per column heading of a customer's sheets."""
		heading = normalize(self.header_text)
		for other in frappe.get_all(
			"OC Customer Layout",
			filters={"customer": self.customer, "name": ("!=", self.name or "")},
			fields=["header_text", "column"],
		):
			if normalize(other.header_text) == heading:
				frappe.throw(
					_("Customer {0} already has column heading {1} (meaning {2}).").format(
						self.customer, other.header_text, _(other.column)
					),
					frappe.DuplicateEntryError,
					title=_("Duplicate Column Heading"),
				)
