# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document

from order_clerk.printing.copies import validate_copy_settings


class OCSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		order_no_digits: DF.Int
		order_no_prefix: DF.Data
		price_tolerance_percent: DF.Percent
		send_acknowledgement: DF.Check
	# end: auto-generated types

	def validate(self):
		validate_copy_settings(self)
